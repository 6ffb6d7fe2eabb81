import { Injectable, UnauthorizedException, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { IS_PUBLIC } from '../common/auth/public.decorator.js';
import { ProblemException, problem } from '../common/problems/problem.js';

/**
 * Default-deny: every route needs a valid bearer token unless marked @Public().
 * On a public route a token is optional, but one that is sent must be valid.
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    // On a public route only a bearer token is "a token": other schemes (Swagger UI may
    // send OAuth2 client credentials as Basic to the token endpoint) leave the caller anonymous.
    if (isPublic && !/^bearer(\s|$)/i.test(request.headers.authorization ?? '')) return true;
    return super.canActivate(context);
  }

  override handleRequest<TUser>(err: unknown, user: TUser | false, info: unknown): TUser {
    if (user) return user;
    if (err instanceof UnauthorizedException) throw challenge(err.message);
    if (err instanceof Error) throw err;
    if (err) throw new Error('Authentication failed');
    const reason = info instanceof Error ? info.name : '';
    if (reason === 'TokenExpiredError') throw challenge('The access token has expired.');
    if (info instanceof Error && info.message === 'No auth token') {
      throw new ProblemException(problem(401, 'This operation needs a bearer token.'), {
        'WWW-Authenticate': 'Bearer',
      });
    }
    throw challenge('The access token is invalid.');
  }
}

function challenge(detail: string): ProblemException {
  return new ProblemException(problem(401, detail), {
    'WWW-Authenticate': `Bearer error="invalid_token", error_description="${detail}"`,
  });
}
