import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { RateLimitStore } from '../rate-limits/rate-limit-store.js';

/** How long the Redis check waits for a PONG. */
const PING_TIMEOUT_MS = 1000;

/**
 * The Redis the rate limits are shared in (REDIS_URL), as a terminus
 * indicator. Redis not answering is `degraded`, not `down`: requests are still
 * served (each instance counts the limits in its own memory meanwhile), so it
 * must not take the instance out of a load balancer's rotation.
 */
@Injectable()
export class RateLimitRedisHealth {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly store: RateLimitStore,
  ) {}

  configured(): boolean {
    return this.store.redisState() !== undefined;
  }

  async check(key: string) {
    const indicator = this.indicators.check(key);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.store.ping(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('timeout')), PING_TIMEOUT_MS);
        }),
      ]);
      return indicator.up();
    } catch {
      return indicator.degraded();
    } finally {
      clearTimeout(timer);
    }
  }
}
