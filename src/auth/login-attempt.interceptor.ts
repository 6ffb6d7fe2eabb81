import {
  HttpException,
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { catchError, concatMap, type Observable } from 'rxjs';
import { RateLimitStore } from '../rate-limits/rate-limit-store.js';
import { LOGIN_ACCOUNT, loginAttemptOf } from './login-throttle.guard.js';

/**
 * Settles what LoginThrottleGuard counted. A wrong password (401) stays a
 * failure for the account and the client. A success clears the account's
 * failures and is no failure of the client. Anything else (a 400 body, a
 * database that did not answer) decided nothing and counts for nobody. (A 401
 * of any class: the Conduit face answers wrong credentials in its own words.)
 */
@Injectable()
export class LoginAttemptInterceptor implements NestInterceptor {
  constructor(private readonly store: RateLimitStore) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const hits = loginAttemptOf(context.switchToHttp().getRequest<object>());
    return next.handle().pipe(
      concatMap(async (value: unknown) => {
        await Promise.all(
          hits.map((hit) =>
            hit.name === LOGIN_ACCOUNT
              ? this.store.forget(hit.key, hit.name)
              : this.store.takeBack(hit.key, hit.name),
          ),
        );
        return value;
      }),
      catchError(async (error: unknown) => {
        if (!(error instanceof HttpException && error.getStatus() === 401)) {
          await Promise.all(hits.map((hit) => this.store.takeBack(hit.key, hit.name)));
        }
        throw error;
      }),
    );
  }
}
