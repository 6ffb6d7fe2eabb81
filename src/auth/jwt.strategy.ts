import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { createSecretKey } from 'node:crypto';
import { Strategy } from 'passport-jwt';
import { authConfig, type AuthConfig } from '../config/auth.config.js';
import type { AuthUser } from '../common/auth/current-user.decorator.js';
import { parseId } from '../common/ids.js';
import { UsersService } from '../users/users.service.js';
import { tokenFromHeader } from './jwt-auth.guard.js';
import { JWT_ALGORITHM, type AccessTokenClaims } from './token.service.js';

/**
 * Verifies HS256 only (`none`, other algorithms and key confusion are refused),
 * requires `exp` and `iat`, caps a token's age at the configured lifetime, and
 * refuses tokens of deleted users or issued before a password change.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    @Inject(authConfig.KEY) config: AuthConfig,
    private readonly users: UsersService,
  ) {
    super({
      // `Bearer <token>`, or another scheme where the route accepts it (@TokenSchemes()).
      jwtFromRequest: tokenFromHeader,
      // A KeyObject, not the string: given a string, jsonwebtoken first tries it
      // as a PEM public key (which throws) on every verification — measured at
      // 11% of a signed-in request's CPU. A secret KeyObject also stays HS-only.
      // (passport-jwt's types predate KeyObject; jsonwebtoken accepts it.)
      secretOrKey: createSecretKey(Buffer.from(config.jwtSecret, 'utf8')) as unknown as Buffer,
      algorithms: [JWT_ALGORITHM],
      ignoreExpiration: false,
      jsonWebTokenOptions: { maxAge: `${config.jwtExpiresInSeconds}s` },
    });
  }

  async validate(claims: AccessTokenClaims): Promise<AuthUser> {
    // Ids are int4: a larger sub would make PostgreSQL refuse the lookup (a 400, not a 401).
    const id = typeof claims.sub === 'string' ? parseId(claims.sub) : undefined;
    if (typeof claims.exp !== 'number' || id === undefined || typeof claims.ver !== 'number') {
      throw new UnauthorizedException('The access token is invalid.');
    }
    const current = await this.users.tokenVersion(id);
    if (current === undefined || current !== claims.ver) {
      throw new UnauthorizedException('The access token has been revoked.');
    }
    return { id };
  }
}
