import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { authConfig, type AuthConfig } from '../config/auth.config.js';
import { ProblemException, problem } from '../common/problems/problem.js';

/**
 * Counts failed logins per account and per client over a sliding window.
 * Past the limit, further attempts are refused with 429 + Retry-After before a
 * password is even checked, so guessing costs the attacker time, not us CPU.
 * In-memory: one Agora process (a shared store would replace the Map).
 */
@Injectable()
export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();
  private readonly windowMs: number;

  constructor(@Inject(authConfig.KEY) private readonly config: AuthConfig) {
    this.windowMs = config.loginWindowSeconds * 1000;
  }

  /** Throws 429 if the account or the client has failed too often lately. */
  assertAllowed(account: string, client: string, now = Date.now()): void {
    const wait = Math.max(
      this.retryAfter(`account:${account.toLowerCase()}`, this.config.loginMaxFailures, now),
      this.retryAfter(`client:${client}`, this.config.loginMaxFailuresPerClient, now),
    );
    if (wait > 0) {
      throw new ProblemException(
        problem(HttpStatus.TOO_MANY_REQUESTS, 'Too many failed login attempts. Try again later.', {
          retryAfter: wait,
        }),
      );
    }
  }

  recordFailure(account: string, client: string, now = Date.now()): void {
    for (const key of [`account:${account.toLowerCase()}`, `client:${client}`]) {
      const recent = this.recent(key, now);
      recent.push(now);
      this.failures.set(key, recent);
    }
    if (this.failures.size > 100_000) this.sweep(now);
  }

  /** A success clears the account's failures (not the client's). */
  recordSuccess(account: string): void {
    this.failures.delete(`account:${account.toLowerCase()}`);
  }

  /** Seconds until the key is under its limit again; 0 when it is. */
  private retryAfter(key: string, limit: number, now: number): number {
    const recent = this.recent(key, now);
    if (recent.length < limit) return 0;
    const oldestThatMatters = recent[recent.length - limit];
    return Math.max(1, Math.ceil((oldestThatMatters + this.windowMs - now) / 1000));
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((t) => t > now - this.windowMs);
  }

  private sweep(now: number): void {
    for (const [key, times] of this.failures) {
      if (times.every((t) => t <= now - this.windowMs)) this.failures.delete(key);
    }
  }
}
