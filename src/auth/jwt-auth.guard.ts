import { Injectable, UnauthorizedException, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { IS_PUBLIC } from '../common/auth/public.decorator.js';
import { DEFAULT_TOKEN_SCHEMES, TOKEN_SCHEMES } from '../common/auth/token-schemes.decorator.js';
import { ProblemException, problem } from '../common/problems/problem.js';

/** The schemes the guard accepted for a request, for JwtStrategy's extractor (tokenFromHeader). */
const schemesOfRequest = new WeakMap<object, readonly string[]>();

/**
 * The access token of an `Authorization: <scheme> <token>` header, when the
 * scheme is one the route accepts (Bearer unless @TokenSchemes() says more).
 */
export function tokenFromHeader(request: FastifyRequest): string | null {
  // Read as passport-jwt's own Bearer extractor reads the header.
  const match = /(\S+)\s+(\S+)/.exec(request.headers.authorization ?? '');
  if (!match) return null;
  const schemes = schemesOfRequest.get(request) ?? DEFAULT_TOKEN_SCHEMES;
  return schemes.some((s) => s.toLowerCase() === match[1].toLowerCase()) ? match[2] : null;
}

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
    const targets = [context.getHandler(), context.getClass()];
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets);
    const schemes =
      this.reflector.getAllAndOverride<string[] | undefined>(TOKEN_SCHEMES, targets) ??
      DEFAULT_TOKEN_SCHEMES;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    schemesOfRequest.set(request, schemes);
    // On a public route only a token scheme's credentials are "a token": other schemes (Swagger UI
    // may send OAuth2 client credentials as Basic to the token endpoint) leave the caller anonymous.
    const scheme = /^(\S+)(\s|$)/.exec(request.headers.authorization ?? '')?.[1]?.toLowerCase();
    if (isPublic && !schemes.some((s) => s.toLowerCase() === scheme)) return true;
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
