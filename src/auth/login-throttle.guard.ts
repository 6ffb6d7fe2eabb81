import { Inject, Injectable, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { authConfig, type AuthConfig } from '../config/auth.config.js';
import { RateLimitGuard, type CountedHit } from '../rate-limits/rate-limit.guard.js';
import { RateLimitStore } from '../rate-limits/rate-limit-store.js';
import { UsersService } from '../users/users.service.js';

export const LOGIN_ACCOUNT = 'login-account';
export const LOGIN_CLIENT = 'login-client';

/** What the login guard counted for a request, for LoginAttemptInterceptor to settle. */
const attempts = new WeakMap<object, CountedHit[]>();

export function loginAttemptOf(request: object): CountedHit[] {
  return attempts.get(request) ?? [];
}

const LOGIN_NAME_IN = 'agora:loginNameIn';

/** Reads the login name out of a login route's body (not yet validated). */
export type LoginNameReader = (body: unknown) => unknown;

const inUsername: LoginNameReader = (body) =>
  (body as { username?: unknown } | undefined)?.username;

/**
 * Where a login route's body carries the login name, when it is not `username`
 * (the Conduit face's `{ user: { email } }`): the limits count by that name.
 */
export const LoginNameIn = (read: LoginNameReader): MethodDecorator =>
  SetMetadata(LOGIN_NAME_IN, read);

/** The login name of a body that has one worth looking up (the DTO validates it after the guards). */
function loginName(
  reflector: Reflector,
  context: ExecutionContext,
  request: FastifyRequest,
): string | undefined {
  const read = reflector.get<LoginNameReader | undefined>(LOGIN_NAME_IN, context.getHandler());
  const name = (read ?? inUsername)(request.body);
  if (typeof name !== 'string') return undefined;
  const trimmed = name.trim();
  return trimmed.length > 0 && trimmed.length <= 254 ? trimmed : undefined;
}

/**
 * Failed logins, limited by @nestjs/throttler per account (LOGIN_MAX_FAILURES)
 * and per client IP (LOGIN_MAX_FAILURES_PER_CLIENT, the IP as TRUST_PROXY lets
 * Fastify see it) within LOGIN_WINDOW_SECONDS. Past a limit the login is
 * refused with 429 + Retry-After before any password is checked. Every attempt
 * counts against both from the moment it begins, so concurrent guesses cannot
 * all slip under a limit while their hashes are verified;
 * LoginAttemptInterceptor then takes back what was not a failure. The account
 * is the user the name resolves to (username or email, any case), so both
 * spellings share one count; an unknown name counts under itself.
 */
@Injectable()
export class LoginThrottleGuard extends RateLimitGuard {
  protected override refusal = 'Too many failed login attempts. Try again later.';

  constructor(
    @Inject(authConfig.KEY) config: AuthConfig,
    store: RateLimitStore,
    reflector: Reflector,
    users: UsersService,
  ) {
    const ttl = config.loginWindowSeconds * 1000;
    super(
      {
        setHeaders: false,
        throttlers: [
          {
            name: LOGIN_ACCOUNT,
            limit: config.loginMaxFailures,
            ttl,
            blockDuration: 0,
            skipIf: (context) =>
              !loginName(reflector, context, context.switchToHttp().getRequest<FastifyRequest>()),
            getTracker: (request, context) =>
              accountOf(users, loginName(reflector, context, request as FastifyRequest)),
          },
          { name: LOGIN_CLIENT, limit: config.loginMaxFailuresPerClient, ttl, blockDuration: 0 },
        ],
      },
      store,
      reflector,
    );
  }

  protected override counted(request: object): CountedHit[] {
    let hits = attempts.get(request);
    if (!hits) attempts.set(request, (hits = []));
    return hits;
  }
}

/** The account a login names: its user's id, or the name itself when no user has it. */
async function accountOf(users: UsersService, login: string | undefined): Promise<string> {
  const name = login ?? '';
  const account = await users.findLoginAccount(name);
  return account ? `id:${account.id}` : `unknown:${name.toLowerCase()}`;
}
