import type { ThrottlerStorage } from '@nestjs/throttler';

/** What a count answers (the package does not export the type by name). */
export type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * A @nestjs/throttler storage that can also take back what it counted: a
 * failed-login limit counts an attempt as a failure from the moment it begins
 * (so concurrent guesses cannot all slip under the limit), then uncounts it
 * when it turns out not to be one.
 */
export interface RateLimitStorage extends ThrottlerStorage {
  /** Uncounts one hit of `key` (an attempt that was not what the limit counts). */
  takeBack(key: string, throttlerName: string): Promise<void>;
  /** Forgets every hit of `key` (an account's failures once its password was right). */
  forget(key: string, throttlerName: string): Promise<void>;
}
