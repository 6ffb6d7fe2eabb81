import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { CommentsModule } from '../comments/comments.module.js';
import { FollowsModule } from '../follows/follows.module.js';
import { PostsModule } from '../posts/posts.module.js';
import { VotesModule } from '../votes/votes.module.js';
import { ProfilesModule } from '../profiles/profiles.module.js';
import { TagsModule } from '../tags/tags.module.js';
import { UsersModule } from '../users/users.module.js';
import { ConduitArticleCommentsController } from './article-comments.controller.js';
import { ConduitArticlesController } from './articles.controller.js';
import { ConduitArticlesService } from './articles.service.js';
import { ConduitProfilesController } from './conduit-profiles.controller.js';
import { ConduitProfilesService } from './conduit-profiles.service.js';
import { ConduitTagsController } from './conduit-tags.controller.js';
import { ConduitUsersController } from './conduit-users.controller.js';
import { ConduitUsersService } from './conduit-users.service.js';

/**
 * The Conduit face (RealWorld's API) at /conduit/api: Conduit's shapes and
 * error format over Agora's own services. Mounted beside /api by
 * ConduitController and configureApp, which also switches its error format on
 * (conduit-errors.ts).
 */
@Module({
  imports: [
    AuthModule,
    UsersModule,
    ProfilesModule,
    FollowsModule,
    TagsModule,
    // Articles, favourites and comments: posts, votes and comments.
    PostsModule,
    VotesModule,
    CommentsModule,
  ],
  controllers: [
    ConduitUsersController,
    ConduitProfilesController,
    ConduitTagsController,
    ConduitArticlesController,
    ConduitArticleCommentsController,
  ],
  providers: [ConduitUsersService, ConduitProfilesService, ConduitArticlesService],
})
export class ConduitModule {}
