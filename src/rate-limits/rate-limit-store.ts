import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { rateLimitConfig, type RateLimitConfig } from '../config/rate-limit.config.js';
import { MemoryRateLimitStorage } from './memory-storage.js';
import type { RateLimitStorage, ThrottlerStorageRecord } from './rate-limit-storage.js';
import { RedisRateLimitStorage } from './redis-storage.js';

/** How long boot waits for Redis before starting with limits in memory. */
const CONNECT_WAIT_MS = 2000;
/** A Redis command slower than this counts as Redis being down for that request. */
const COMMAND_TIMEOUT_MS = 500;

export type RedisState = 'up' | 'down';

/**
 * Where every rate limit is counted. With REDIS_URL, in Redis, so that all
 * Agora instances share one count per client and account. While Redis does
 * not answer, requests are still served: each instance counts in its own
 * memory (a warning says so once, /health shows `redis: "down"`), and Redis is
 * used again as soon as it is back. Without REDIS_URL, in memory.
 */
@Injectable()
export class RateLimitStore implements RateLimitStorage, OnApplicationShutdown {
  private static readonly logger = new Logger('RateLimits');
  private readonly memory = new MemoryRateLimitStorage();
  private readonly redis?: RedisRateLimitStorage;
  private client?: Redis;
  private wasDown = false;

  constructor(@Inject(rateLimitConfig.KEY) config: RateLimitConfig) {
    if (!config.redisUrl) return;
    const client = new Redis(config.redisUrl, {
      keyPrefix: config.redisKeyPrefix,
      // Fail at once while disconnected (and fall back to memory) instead of queueing.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: COMMAND_TIMEOUT_MS,
      connectTimeout: CONNECT_WAIT_MS,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
      // ioredis keeps a timer this long on disconnect even for a socket that already closed
      // (Redis down): the default (2 s) would hold a stopping process.
      disconnectTimeout: 200,
    });
    client.on('ready', () => this.cameBack());
    client.on('error', (error: Error) => this.wentDown(error.message));
    client.on('close', () => this.wentDown('connection closed'));
    this.client = client;
    this.redis = new RedisRateLimitStorage(client);
  }

  /** Waits (briefly) for Redis at boot, so a fresh instance shares limits from its first request. */
  async connect(): Promise<void> {
    const client = this.client;
    if (!client || client.status === 'ready') return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        client.off('ready', done).off('error', done);
        resolve();
      };
      const timer = setTimeout(done, CONNECT_WAIT_MS);
      client.once('ready', done).once('error', done);
    });
  }

  /** Whether Redis answers a PING (it fails at once while disconnected). */
  async ping(): Promise<void> {
    if (!this.client) throw new Error('REDIS_URL is not set');
    await this.client.ping();
  }

  /** Undefined without REDIS_URL. */
  redisState(): RedisState | undefined {
    if (!this.client) return undefined;
    return this.client.status === 'ready' ? 'up' : 'down';
  }

  increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    return this.use((storage) => storage.increment(key, ttl, limit, blockDuration, throttlerName));
  }

  takeBack(key: string, throttlerName: string): Promise<void> {
    return this.use((storage) => storage.takeBack(key, throttlerName));
  }

  forget(key: string, throttlerName: string): Promise<void> {
    return this.use((storage) => storage.forget(key, throttlerName));
  }

  async onApplicationShutdown(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client?.status === 'ready') await client.quit().catch(() => undefined);
    client?.disconnect();
  }

  private async use<T>(operation: (storage: RateLimitStorage) => Promise<T>): Promise<T> {
    if (this.redis && this.client?.status === 'ready') {
      try {
        const result = await operation(this.redis);
        if (this.wasDown) this.cameBack();
        return result;
      } catch (error) {
        this.wentDown(error instanceof Error ? error.message : String(error));
      }
    }
    return operation(this.memory);
  }

  private wentDown(reason: string): void {
    if (this.wasDown || !this.client) return;
    this.wasDown = true;
    RateLimitStore.logger.warn(
      `Redis is unreachable (${reason}): rate limits are counted in this instance's memory until it is back.`,
    );
  }

  private cameBack(): void {
    if (!this.wasDown) return;
    this.wasDown = false;
    RateLimitStore.logger.log('Redis is reachable again: rate limits are shared again.');
  }
}
