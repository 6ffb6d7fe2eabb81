import { HttpStatus, Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  ThrottlerGuard,
  type ThrottlerGenerateKeyFunction,
  type ThrottlerLimitDetail,
  type ThrottlerModuleOptions,
  type ThrottlerRequest,
} from '@nestjs/throttler';
import { ProblemException, problem } from '../common/problems/problem.js';
import { RateLimitStore } from './rate-limit-store.js';

/** A hit this guard counted for a request: the storage key and the throttler's name. */
export interface CountedHit {
  key: string;
  name: string;
}

/**
 * @nestjs/throttler's guard with Agora's answers: a 429 problem with
 * Retry-After (no X-RateLimit headers: `setHeaders: false` in the options),
 * keys that are the tracker itself (a client's limit spans every route), and a
 * refused request counted by none of the guard's limits: when one throttler
 * refuses, the hits the others already counted for it are taken back.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  /** The 429's detail. */
  protected refusal = 'Too many requests from this client. Try again later.';
  private readonly countedHits = new WeakMap<object, CountedHit[]>();

  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    protected readonly store: RateLimitStore,
    reflector: Reflector,
  ) {
    super(options, store, reflector);
  }

  protected override generateKey(_context: ExecutionContext, tracker: string): string {
    return tracker;
  }

  /** The hits this guard counted for the request (its own list, for subclasses to share). */
  protected counted(request: object): CountedHit[] {
    let hits = this.countedHits.get(request);
    if (!hits) this.countedHits.set(request, (hits = []));
    return hits;
  }

  protected override async handleRequest(props: ThrottlerRequest): Promise<boolean> {
    let key = '';
    const generateKey: ThrottlerGenerateKeyFunction = (context, tracker, name) =>
      (key = props.generateKey(context, tracker, name));
    const counted = this.counted(props.context.switchToHttp().getRequest<object>());
    try {
      await super.handleRequest({ ...props, generateKey });
    } catch (error) {
      await Promise.all(counted.splice(0).map((hit) => this.store.takeBack(hit.key, hit.name)));
      throw error;
    }
    counted.push({ key, name: props.throttler.name ?? 'default' });
    return true;
  }

  protected override throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    throw new ProblemException(
      problem(HttpStatus.TOO_MANY_REQUESTS, this.refusal, {
        retryAfter: Math.max(1, detail.timeToBlockExpire),
      }),
    );
  }
}
