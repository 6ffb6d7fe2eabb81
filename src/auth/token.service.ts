import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { authConfig, type AuthConfig } from '../config/auth.config.js';
import { ReadRouting } from '../database/read-routing.js';

/** Claims Agora puts in an access token. */
export interface AccessTokenClaims {
  sub: string;
  /** The user's token version when it was issued; a password change bumps it. */
  ver: number;
  iat?: number;
  exp?: number;
}

export const JWT_ALGORITHM = 'HS256';

@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
    private readonly reads: ReadRouting,
  ) {}

  async issue(userId: number, tokenVersion: number): Promise<{ token: string; expiresIn: number }> {
    // A login or a registration: the new session's reads wait for what this request saw.
    this.reads.actingAs(userId);
    const claims: AccessTokenClaims = { sub: String(userId), ver: tokenVersion };
    const token = await this.jwt.signAsync(claims, {
      algorithm: JWT_ALGORITHM,
      expiresIn: this.config.jwtExpiresInSeconds,
    });
    return { token, expiresIn: this.config.jwtExpiresInSeconds };
  }
}
