import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { AuthModule } from './auth/auth.module.js';
import { PagingModule } from './common/paging/paging.module.js';
import { ProblemDetailsFilter } from './common/problems/problem-details.filter.js';
import { AppValidationPipe } from './common/validation.pipe.js';
import { FormBodyGuard } from './common/form-body.guard.js';
import { StrictQueryGuard } from './common/strict-query.guard.js';
import { appConfig } from './config/app.config.js';
import { authConfig } from './config/auth.config.js';
import { databaseConfig } from './config/database.config.js';
import { rateLimitConfig } from './config/rate-limit.config.js';
import { validateEnv } from './config/env.validation.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { RateLimitsModule } from './rate-limits/rate-limits.module.js';
import { CommentsModule } from './comments/comments.module.js';
import { ConduitModule } from './conduit/conduit.module.js';
import { FollowsModule } from './follows/follows.module.js';
import { PostsModule } from './posts/posts.module.js';
import { ProfilesModule } from './profiles/profiles.module.js';
import { StatsModule } from './stats/stats.module.js';
import { TagsModule } from './tags/tags.module.js';
import { VotesModule } from './votes/votes.module.js';
import { UsersModule } from './users/users.module.js';

@Module({
  imports: [
    ConfigModule.forRoot({
      isGlobal: true,
      cache: true,
      load: [appConfig, authConfig, databaseConfig, rateLimitConfig],
      validate: validateEnv,
    }),
    DatabaseModule,
    PagingModule,
    RateLimitsModule,
    HealthModule,
    AuthModule,
    UsersModule,
    ProfilesModule,
    PostsModule,
    VotesModule,
    TagsModule,
    FollowsModule,
    CommentsModule,
    StatsModule,
    ConduitModule,
  ],
  providers: [
    {
      provide: APP_PIPE,
      useValue: new AppValidationPipe(),
    },
    { provide: APP_FILTER, useClass: ProblemDetailsFilter },
    // After the JWT guard (registered by AuthModule): unknown query parameters → 400.
    { provide: APP_GUARD, useClass: StrictQueryGuard },
    { provide: APP_GUARD, useClass: FormBodyGuard },
  ],
})
export class AppModule {}
