import { Global, Module, type ExecutionContext } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { rateLimitConfig, type RateLimitConfig } from '../config/rate-limit.config.js';
import { RateLimitGuard } from './rate-limit.guard.js';
import { RateLimitStore } from './rate-limit-store.js';

/** Reads do not count against the write limit. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The store every limit counts in (the login limits of auth/ too) and its Redis state for /health. */
@Global()
@Module({
  providers: [
    {
      provide: RateLimitStore,
      inject: [rateLimitConfig.KEY],
      useFactory: async (config: RateLimitConfig) => {
        const store = new RateLimitStore(config);
        await store.connect();
        return store;
      },
    },
  ],
  exports: [RateLimitStore],
})
class RateLimitStoreModule {}

/**
 * @nestjs/throttler for the whole app: a per-client limit on writes
 * (WRITE_RATE_LIMIT per WRITE_RATE_LIMIT_WINDOW_SECONDS; 0 turns it off),
 * counted in RateLimitStore. Failed logins have their own limits (auth/).
 */
@Module({
  imports: [
    RateLimitStoreModule,
    ThrottlerModule.forRootAsync({
      imports: [RateLimitStoreModule],
      inject: [rateLimitConfig.KEY, RateLimitStore],
      useFactory: (config: RateLimitConfig, store: RateLimitStore) => ({
        storage: store,
        setHeaders: false,
        throttlers: [
          {
            name: 'writes',
            limit: config.writeLimit,
            ttl: config.writeWindowSeconds * 1000,
            blockDuration: 0,
            skipIf: (context: ExecutionContext) =>
              config.writeLimit === 0 ||
              SAFE_METHODS.has(context.switchToHttp().getRequest<{ method: string }>().method),
          },
        ],
      }),
    }),
  ],
  providers: [{ provide: APP_GUARD, useClass: RateLimitGuard }],
  exports: [RateLimitStoreModule],
})
export class RateLimitsModule {}
