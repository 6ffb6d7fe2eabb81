import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { authConfig, type AuthConfig } from '../config/auth.config.js';
import { ProblemException, problem } from '../common/problems/problem.js';

/** A login attempt in progress, counted as a failure until it is settled. */
export interface LoginAttempt {
  accountKey: string;
  clientKey: string;
  at: number;
}

/**
 * Failed logins per account and per client over a sliding window. Past a
 * limit, attempts are refused with 429 + Retry-After before any password is
 * checked. An attempt counts as a failure from the moment it begins (in the
 * same tick as the check), so concurrent guesses cannot all slip under the
 * limit while their hashes are being verified. In-memory: one Agora process.
 */
@Injectable()
export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();
  private readonly windowMs: number;

  constructor(@Inject(authConfig.KEY) private readonly config: AuthConfig) {
    this.windowMs = config.loginWindowSeconds * 1000;
  }

  /** Throws 429 if the account or the client has failed too often lately; else reserves an attempt. */
  begin(account: string, client: string, now = Date.now()): LoginAttempt {
    const attempt = { accountKey: `account:${account}`, clientKey: `client:${client}`, at: now };
    const wait = Math.max(
      this.retryAfter(attempt.accountKey, this.config.loginMaxFailures, now),
      this.retryAfter(attempt.clientKey, this.config.loginMaxFailuresPerClient, now),
    );
    if (wait > 0) {
      throw new ProblemException(
        problem(HttpStatus.TOO_MANY_REQUESTS, 'Too many failed login attempts. Try again later.', {
          retryAfter: wait,
        }),
      );
    }
    for (const key of [attempt.accountKey, attempt.clientKey]) {
      this.failures.set(key, [...this.recent(key, now), now]);
    }
    if (this.failures.size > 100_000) this.sweep(now);
    return attempt;
  }

  /** The password was right: the account's failures are cleared, and this attempt is not the client's failure. */
  succeed(attempt: LoginAttempt): void {
    this.failures.delete(attempt.accountKey);
    this.remove(attempt.clientKey, attempt.at);
  }

  /** The attempt could not be decided (e.g. the database failed): it counts for nobody. */
  abandon(attempt: LoginAttempt): void {
    this.remove(attempt.accountKey, attempt.at);
    this.remove(attempt.clientKey, attempt.at);
  }

  /** Seconds until the key is under its limit again; 0 when it is. */
  private retryAfter(key: string, limit: number, now: number): number {
    const recent = this.recent(key, now);
    if (recent.length < limit) return 0;
    const oldestThatMatters = recent[recent.length - limit];
    const seconds = Math.ceil((oldestThatMatters + this.windowMs - now) / 1000);
    // Never past the window (even if the clock went back since that failure).
    return Math.min(this.config.loginWindowSeconds, Math.max(1, seconds));
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((t) => t > now - this.windowMs);
  }

  private remove(key: string, at: number): void {
    const times = this.failures.get(key);
    const index = times?.lastIndexOf(at) ?? -1;
    if (!times || index < 0) return;
    times.splice(index, 1);
    if (times.length === 0) this.failures.delete(key);
  }

  private sweep(now: number): void {
    for (const [key, times] of this.failures) {
      if (times.every((t) => t <= now - this.windowMs)) this.failures.delete(key);
    }
  }
}
