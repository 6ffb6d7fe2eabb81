import type { RateLimitStorage, ThrottlerStorageRecord } from './rate-limit-storage.js';

interface Hits {
  ttl: number;
  /** When each counted hit happened (ms), oldest first. */
  times: number[];
}

/** Past this many keys, a count sweeps out the keys whose hits have all expired. */
const SWEEP_ABOVE_KEYS = 100_000;

/**
 * Sliding-window counts in this process's memory: a key is refused while it
 * has `limit` hits younger than `ttl`, until the oldest of them that matters
 * leaves the window; refused hits are not counted. That is what the
 * throttler's own memory storage does with a blockDuration of 0, but its hit
 * lists are private, and a limit on failures needs to take a hit back.
 */
export class MemoryRateLimitStorage implements RateLimitStorage {
  private readonly hits = new Map<string, Hits>();

  constructor(private readonly now: () => number = Date.now) {}

  increment(
    key: string,
    ttl: number,
    limit: number,
    _blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    const now = this.now();
    const id = `${throttlerName}\u0000${key}`;
    let entry = this.hits.get(id);
    if (!entry) {
      entry = { ttl, times: [] };
      this.hits.set(id, entry);
      if (this.hits.size > SWEEP_ABOVE_KEYS) this.sweep(now);
    }
    entry.ttl = ttl;
    const times = live(entry, now);
    const windowSeconds = Math.max(1, Math.ceil(ttl / 1000));
    if (times.length >= limit) {
      const oldestThatMatters = times[times.length - Math.max(limit, 1)] ?? now;
      // Never past the window, even if the clock went back since that hit.
      const wait = Math.min(
        windowSeconds,
        Math.max(1, Math.ceil((oldestThatMatters + ttl - now) / 1000)),
      );
      return Promise.resolve({
        totalHits: times.length + 1,
        timeToExpire: wait,
        isBlocked: true,
        timeToBlockExpire: wait,
      });
    }
    times.push(now);
    return Promise.resolve({
      totalHits: times.length,
      timeToExpire: Math.min(windowSeconds, Math.ceil((times[0] + ttl - now) / 1000)),
      isBlocked: false,
      timeToBlockExpire: 0,
    });
  }

  takeBack(key: string, throttlerName: string): Promise<void> {
    const id = `${throttlerName}\u0000${key}`;
    const entry = this.hits.get(id);
    entry?.times.pop();
    if (entry?.times.length === 0) this.hits.delete(id);
    return Promise.resolve();
  }

  forget(key: string, throttlerName: string): Promise<void> {
    this.hits.delete(`${throttlerName}\u0000${key}`);
    return Promise.resolve();
  }

  private sweep(now: number): void {
    for (const [id, entry] of this.hits) {
      if (live(entry, now).length === 0) this.hits.delete(id);
    }
  }
}

/** The entry's hits still inside its window (expired ones are dropped from the front). */
function live(entry: Hits, now: number): number[] {
  const { times } = entry;
  let expired = 0;
  while (expired < times.length && times[expired] <= now - entry.ttl) expired += 1;
  if (expired > 0) times.splice(0, expired);
  return times;
}
