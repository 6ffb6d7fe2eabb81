import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { authConfig, type AuthConfig } from '../config/auth.config.js';

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
  ) {}

  async issue(userId: number, tokenVersion: number): Promise<{ token: string; expiresIn: number }> {
    const claims: AccessTokenClaims = { sub: String(userId), ver: tokenVersion };
    const token = await this.jwt.signAsync(claims, {
      algorithm: JWT_ALGORITHM,
      expiresIn: this.config.jwtExpiresInSeconds,
    });
    return { token, expiresIn: this.config.jwtExpiresInSeconds };
  }
}
