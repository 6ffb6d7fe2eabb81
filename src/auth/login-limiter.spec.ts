import { describe, expect, it } from '@jest/globals';
import { ProblemException } from '../common/problems/problem.js';
import type { AuthConfig } from '../config/auth.config.js';
import { LoginLimiter } from './login-limiter.js';

const config = {
  loginMaxFailures: 3,
  loginMaxFailuresPerClient: 5,
  loginWindowSeconds: 60,
} as AuthConfig;

/** The Retry-After of a refused attempt, or undefined when it was allowed. */
function retryAfter(fn: () => void): number | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(ProblemException);
    expect((error as ProblemException).problem.status).toBe(429);
    return (error as ProblemException).problem.retryAfter as number;
  }
}

describe('LoginLimiter', () => {
  it('blocks an account after its failures, for the rest of the window', () => {
    const limiter = new LoginLimiter(config);
    const t0 = 1_000_000;
    for (let i = 0; i < 3; i++) limiter.begin('id:1', `10.0.0.${i}`, t0 + i * 1000);
    expect(retryAfter(() => limiter.begin('id:1', '10.0.0.9', t0 + 3000))).toBe(57);
    expect(retryAfter(() => limiter.begin('id:2', '10.0.0.9', t0 + 3000))).toBeUndefined();
    // The oldest failure leaves the window: allowed again.
    expect(retryAfter(() => limiter.begin('id:1', '10.0.0.9', t0 + 60_001))).toBeUndefined();
  });

  it('blocks a client whose failures are spread over many accounts', () => {
    const limiter = new LoginLimiter(config);
    for (let i = 0; i < 5; i++) limiter.begin(`id:${i}`, '10.0.0.1', 1000);
    expect(retryAfter(() => limiter.begin('id:99', '10.0.0.1', 2000))).toBe(59);
    expect(retryAfter(() => limiter.begin('id:99', '10.0.0.2', 2000))).toBeUndefined();
  });

  it('counts an attempt as a failure from the moment it begins', () => {
    const limiter = new LoginLimiter(config);
    // Three concurrent attempts, none settled yet: the fourth is refused.
    for (let i = 0; i < 3; i++) limiter.begin('id:1', `10.0.1.${i}`, 1000);
    expect(retryAfter(() => limiter.begin('id:1', '10.0.1.9', 1000))).toBeGreaterThan(0);
  });

  it("clears the account's failures on success, and does not count it against the client", () => {
    const limiter = new LoginLimiter(config);
    for (let i = 0; i < 2; i++) limiter.begin('id:1', '10.0.0.1', 1000);
    limiter.succeed(limiter.begin('id:1', '10.0.0.1', 1000));
    limiter.begin('id:1', '10.0.0.1', 1000);
    limiter.begin('id:1', '10.0.0.1', 1000);
    expect(retryAfter(() => limiter.begin('id:1', '10.0.0.3', 1000))).toBeUndefined();
    // The client has 2 + 2 failures (the success was taken back): one more is allowed, then no more.
    expect(retryAfter(() => limiter.begin('id:7', '10.0.0.1', 1000))).toBeUndefined();
    expect(retryAfter(() => limiter.begin('id:8', '10.0.0.1', 1000))).toBeGreaterThan(0);
  });

  it('never asks to wait longer than the window, even after the clock went back', () => {
    const limiter = new LoginLimiter(config);
    for (let i = 0; i < 3; i++) limiter.begin('id:1', '10.0.0.1', 1_000_000);
    expect(retryAfter(() => limiter.begin('id:1', '10.0.0.1', 1_000_000 - 3_600_000))).toBe(60);
  });

  it('forgets an abandoned attempt for both keys', () => {
    const limiter = new LoginLimiter(config);
    for (let i = 0; i < 2; i++) limiter.begin('id:1', '10.0.0.1', 1000);
    limiter.abandon(limiter.begin('id:1', '10.0.0.1', 1000));
    expect(retryAfter(() => limiter.begin('id:1', '10.0.0.1', 1000))).toBeUndefined();
  });
});
