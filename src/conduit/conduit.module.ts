import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { FollowsModule } from '../follows/follows.module.js';
import { ProfilesModule } from '../profiles/profiles.module.js';
import { TagsModule } from '../tags/tags.module.js';
import { UsersModule } from '../users/users.module.js';
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
  imports: [AuthModule, UsersModule, ProfilesModule, FollowsModule, TagsModule],
  controllers: [ConduitUsersController, ConduitProfilesController, ConduitTagsController],
  providers: [ConduitUsersService, ConduitProfilesService],
})
export class ConduitModule {}
