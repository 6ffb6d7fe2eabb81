import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module.js';
import { PostsController } from './posts.controller.js';
import { PostWrites } from './post-writer.js';
import { PostsRepository } from './posts.repository.js';
import { PostsService } from './posts.service.js';

@Module({
  imports: [UsersModule],
  controllers: [PostsController],
  providers: [PostsRepository, PostWrites, PostsService],
  exports: [PostsService],
})
export class PostsModule {}
