import { ApiProperty } from '@nestjs/swagger';
import type { MeResponse } from '../users/user.response.js';

/** An access token (HS256 JWT) as the face hands it out; sent back as `Authorization: Token <jwt>`. */
const TOKEN_SCHEMA = {
  type: 'string',
  maxLength: 512,
  pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$',
  description: 'A JWT to send as `Authorization: Token <jwt>` (the same tokens as /api).',
} as const;

export const BIO_SCHEMA = {
  type: 'string',
  nullable: true,
  maxLength: 500,
  example: 'Analyst of engines.',
} as const;
export const IMAGE_SCHEMA = {
  type: 'string',
  nullable: true,
  maxLength: 500,
  format: 'uri',
  example: 'https://example.com/ada.png',
} as const;

export class ConduitUser {
  @ApiProperty({ format: 'email', maxLength: 254, example: 'ada@example.com' })
  email!: string;

  @ApiProperty(TOKEN_SCHEMA)
  token!: string;

  @ApiProperty({ maxLength: 30, example: 'ada_l' })
  username!: string;

  @ApiProperty({ ...BIO_SCHEMA, description: "The profile's bio; null when none." })
  bio!: string | null;

  @ApiProperty({ ...IMAGE_SCHEMA, description: "The profile's avatar URL; null when none." })
  image!: string | null;
}

/** `{ user: { email, token, username, bio, image } }`: the caller's own account. */
export class ConduitUserResponse {
  @ApiProperty({ type: ConduitUser })
  user!: ConduitUser;

  static from(this: void, me: MeResponse, token: string): ConduitUserResponse {
    return {
      user: {
        email: me.email,
        token,
        username: me.username,
        bio: me.profile?.bio ?? null,
        image: me.profile?.avatarUrl ?? null,
      },
    };
  }
}
