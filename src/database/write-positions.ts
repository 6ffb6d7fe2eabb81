import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { LSN_UNKNOWN, lsnFromText, lsnText } from './lsn.js';

/** A Redis command slower than this counts as Redis not answering (the read then goes to the primary). */
const COMMAND_TIMEOUT_MS = 500;

/** Keeps the larger position: two writes of one user may answer in either order. */
const RECORD_MAX = `
local current = redis.call('GET', KEYS[1])
if (not current) or current < ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
else
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 1`;

/**
 * Each user's last write position (the primary's WAL position just after the
 * write committed), for read-your-writes: that user's reads go to a replica
 * only once it has replayed it. Kept for a short while (the lag bound and a
 * margin: after that any replica still used is past it anyway), in Redis with
 * REDIS_URL (shared by every instance, under REDIS_KEY_PREFIX), else in this
 * process's memory. While Redis does not answer, positions cannot be shared:
 * a signed-in caller's reads then go to the primary.
 */
export class WritePositions {
  private static readonly logger = new Logger('Replicas');
  private readonly memory = new Map<number, { lsn: bigint; until: number }>();
  private readonly client?: Redis;
  private recorded = 0;
  private redisFailing = false;

  constructor(
    private readonly keepMs: number,
    redis?: { url: string; keyPrefix: string },
  ) {
    if (!redis) return;
    this.client = new Redis(redis.url, {
      keyPrefix: redis.keyPrefix,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: COMMAND_TIMEOUT_MS,
      connectTimeout: 2000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
      disconnectTimeout: 200,
    });
    this.client.on('error', () => undefined);
  }

  async record(userId: number, lsn: bigint): Promise<void> {
    if (this.client) {
      try {
        await this.client.eval(RECORD_MAX, 1, key(userId), lsnText(lsn), this.keepMs);
        this.redisFailing = false;
        return;
      } catch (error) {
        this.warnOnce(error);
      }
    }
    const now = Date.now();
    const known = this.memory.get(userId);
    if (!known || known.until < now || known.lsn < lsn) {
      this.memory.set(userId, { lsn, until: now + this.keepMs });
    } else {
      known.until = now + this.keepMs;
    }
    if (++this.recorded % 1000 === 0) this.sweep(now);
  }

  /** The position `userId`'s reads must wait for; undefined: none (any healthy replica will do). */
  async positionOf(userId: number): Promise<bigint | undefined> {
    if (this.client) {
      try {
        const text = await this.client.get(key(userId));
        this.redisFailing = false;
        return text === null ? undefined : lsnFromText(text);
      } catch (error) {
        this.warnOnce(error);
        // Another instance may have recorded a write this one cannot see.
        return LSN_UNKNOWN;
      }
    }
    const known = this.memory.get(userId);
    if (!known) return undefined;
    if (known.until < Date.now()) {
      this.memory.delete(userId);
      return undefined;
    }
    return known.lsn;
  }

  close(): void {
    this.client?.disconnect();
  }

  private sweep(now: number): void {
    for (const [userId, known] of this.memory) {
      if (known.until < now) this.memory.delete(userId);
    }
  }

  private warnOnce(error: unknown): void {
    if (this.redisFailing) return;
    this.redisFailing = true;
    WritePositions.logger.warn(
      `Redis does not answer (${(error as Error)?.message ?? String(error)}): ` +
        "signed-in users' reads go to the primary until it does",
    );
  }
}

function key(userId: number): string {
  return `lsn:${userId}`;
}
