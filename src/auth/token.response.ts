import { ApiProperty } from '@nestjs/swagger';
import { MAX_TOKEN_LIFETIME_SECONDS } from '../config/env.validation.js';

/**
 * An HS256 JWT with Agora's claims (`sub`, `ver`, `iat`, `exp`): under 300
 * characters, as all are numbers of at most 11 digits.
 */
const ACCESS_TOKEN = {
  maxLength: 512,
  pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$',
} as const;

/** Seconds until the token expires: JWT_EXPIRES_IN. */
const EXPIRES_IN = {
  type: 'integer',
  format: 'int32',
  minimum: 1,
  maximum: MAX_TOKEN_LIFETIME_SECONDS,
  example: 3600,
} as const;

/** The answer to a JSON login. */
export class TokenResponse {
  @ApiProperty({
    ...ACCESS_TOKEN,
    description: 'A JWT (HS256) to send as `Authorization: Bearer <token>`.',
  })
  accessToken!: string;

  @ApiProperty({ enum: ['Bearer'], example: 'Bearer' })
  tokenType!: 'Bearer';

  @ApiProperty({ ...EXPIRES_IN, description: 'Seconds until the token expires.' })
  expiresIn!: number;
}

/** The RFC 6749 token response, for the OAuth2 password form (Swagger UI's Authorize). */
export class OAuthTokenResponse {
  @ApiProperty(ACCESS_TOKEN)
  access_token!: string;

  @ApiProperty({ enum: ['bearer'], example: 'bearer' })
  token_type!: 'bearer';

  @ApiProperty(EXPIRES_IN)
  expires_in!: number;
}
