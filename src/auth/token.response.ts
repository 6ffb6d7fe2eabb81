import { ApiProperty } from '@nestjs/swagger';

/** The answer to a JSON login. */
export class TokenResponse {
  @ApiProperty({ description: 'A JWT (HS256) to send as `Authorization: Bearer <token>`.' })
  accessToken!: string;

  @ApiProperty({ enum: ['Bearer'], example: 'Bearer' })
  tokenType!: 'Bearer';

  @ApiProperty({ type: 'integer', description: 'Seconds until the token expires.', example: 3600 })
  expiresIn!: number;
}

/** The RFC 6749 token response, for the OAuth2 password form (Swagger UI's Authorize). */
export class OAuthTokenResponse {
  @ApiProperty()
  access_token!: string;

  @ApiProperty({ enum: ['bearer'], example: 'bearer' })
  token_type!: 'bearer';

  @ApiProperty({ type: 'integer', example: 3600 })
  expires_in!: number;
}
