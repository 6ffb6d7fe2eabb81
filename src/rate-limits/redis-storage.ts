import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import type { RateLimitStorage, ThrottlerStorageRecord } from './rate-limit-storage.js';

/** Uncounts one hit, never below zero, keeping the window's expiry. */
const TAKE_BACK = `
local hits = tonumber(redis.call('GET', KEYS[1]) or '0')
if hits > 0 then redis.call('DECR', KEYS[1]) end
return hits`;

/**
 * @nest-lab/throttler-storage-redis, which every Agora instance pointed at the
 * same Redis shares, plus taking hits back. Its script counts in fixed windows
 * (from a key's first hit) and, once a key is over its limit, blocks it for
 * `blockDuration`; it cannot express the memory storage's "no block, refuse
 * while the window is full" (a blockDuration of 0), so that becomes one window.
 */
export class RedisRateLimitStorage
  extends ThrottlerStorageRedisService
  implements RateLimitStorage
{
  override increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    return super.increment(key, ttl, limit, blockDuration > 0 ? blockDuration : ttl, throttlerName);
  }

  async takeBack(key: string, throttlerName: string): Promise<void> {
    await this.redis.eval(TAKE_BACK, 1, hitKey(key, throttlerName));
  }

  async forget(key: string, throttlerName: string): Promise<void> {
    await this.redis.del(hitKey(key, throttlerName), `{${key}:${throttlerName}}:blocked`);
  }
}

/** The key the package's script counts `key`'s hits under (see its increment). */
function hitKey(key: string, throttlerName: string): string {
  return `{${key}:${throttlerName}}:hits`;
}
