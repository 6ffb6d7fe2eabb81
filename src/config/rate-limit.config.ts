import { registerAs } from '@nestjs/config';
import { validateEnv } from './env.validation.js';

export const rateLimitConfig = registerAs('rateLimit', () => {
  const env = validateEnv(process.env);
  return {
    /** Per client (IP) and window; 0 = no limit on writes. */
    writeLimit: env.WRITE_RATE_LIMIT,
    writeWindowSeconds: env.WRITE_RATE_LIMIT_WINDOW_SECONDS,
    /** Where the limits are counted: Redis shared by every instance, or this process's memory. */
    redisUrl: env.REDIS_URL,
    redisKeyPrefix: env.REDIS_KEY_PREFIX,
  };
});

export type RateLimitConfig = ReturnType<typeof rateLimitConfig>;
