import { describe, expect, it } from '@jest/globals';
import { MemoryRateLimitStorage } from './memory-storage.js';

const WINDOW_MS = 60_000;

/** A storage on a clock the test sets, and a count that answers Retry-After (undefined: allowed). */
function storage() {
  let now = 0;
  const store = new MemoryRateLimitStorage(() => now);
  const hit = async (key: string, limit: number, at: number, name = 'login-account') => {
    now = at;
    const record = await store.increment(key, WINDOW_MS, limit, 0, name);
    return record.isBlocked ? record.timeToBlockExpire : undefined;
  };
  return { store, hit };
}

describe('MemoryRateLimitStorage', () => {
  it('refuses a key at its limit for the rest of the window, then allows it again', async () => {
    const { hit } = storage();
    const t0 = 1_000_000;
    for (let i = 0; i < 3; i++) expect(await hit('id:1', 3, t0 + i * 1000)).toBeUndefined();
    expect(await hit('id:1', 3, t0 + 3000)).toBe(57);
    expect(await hit('id:2', 3, t0 + 3000)).toBeUndefined();
    // The oldest hit leaves the window: allowed again.
    expect(await hit('id:1', 3, t0 + 60_001)).toBeUndefined();
  });

  it('does not count refused hits', async () => {
    const { hit } = storage();
    for (let i = 0; i < 5; i++) await hit('10.0.0.1', 5, 1000, 'login-client');
    expect(await hit('10.0.0.1', 5, 2000, 'login-client')).toBe(59);
    expect(await hit('10.0.0.1', 5, 30_000, 'login-client')).toBe(31);
    // Refusals at 2 s and 30 s were not hits: all five leave at 61 s.
    expect(await hit('10.0.0.1', 5, 61_001, 'login-client')).toBeUndefined();
    expect(await hit('10.0.0.2', 5, 2000, 'login-client')).toBeUndefined();
  });

  it('counts a hit from the moment it is made', async () => {
    const { hit } = storage();
    // Three concurrent attempts, none settled yet: the fourth is refused.
    for (let i = 0; i < 3; i++) await hit('id:1', 3, 1000);
    expect(await hit('id:1', 3, 1000)).toBeGreaterThan(0);
  });

  it('forgets a key, and takes back one hit of another', async () => {
    const { store, hit } = storage();
    for (let i = 0; i < 3; i++) await hit('id:1', 3, 1000);
    for (let i = 0; i < 3; i++) await hit('10.0.0.1', 3, 1000, 'login-client');
    await store.forget('id:1', 'login-account');
    await store.takeBack('10.0.0.1', 'login-client');
    expect(await hit('id:1', 3, 1000)).toBeUndefined();
    expect(await hit('10.0.0.1', 3, 1000, 'login-client')).toBeUndefined();
    expect(await hit('10.0.0.1', 3, 1000, 'login-client')).toBeGreaterThan(0);
  });

  it('keeps the counts of throttlers apart for the same key', async () => {
    const { hit } = storage();
    for (let i = 0; i < 3; i++) await hit('127.0.0.1', 3, 1000, 'writes');
    expect(await hit('127.0.0.1', 3, 1000, 'writes')).toBeGreaterThan(0);
    expect(await hit('127.0.0.1', 3, 1000, 'login-client')).toBeUndefined();
  });

  it('never asks to wait longer than the window, even after the clock went back', async () => {
    const { hit } = storage();
    for (let i = 0; i < 3; i++) await hit('id:1', 3, 1_000_000);
    expect(await hit('id:1', 3, 1_000_000 - 3_600_000)).toBe(60);
  });
});
