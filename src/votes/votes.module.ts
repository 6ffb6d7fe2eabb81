import { Module } from '@nestjs/common';
import { PostsModule } from '../posts/posts.module.js';
import { VotesController } from './votes.controller.js';
import { VotesRepository } from './votes.repository.js';
import { VotesService } from './votes.service.js';

@Module({
  imports: [PostsModule],
  controllers: [VotesController],
  providers: [VotesRepository, VotesService],
  // The Conduit face's favourites are votes.
  exports: [VotesService],
})
export class VotesModule {}
