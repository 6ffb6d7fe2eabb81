import { ApiProperty } from '@nestjs/swagger';
import type { UserResponse } from '../users/user.response.js';
import { BIO_SCHEMA, IMAGE_SCHEMA } from './conduit-user.response.js';

export class ConduitProfile {
  @ApiProperty({ maxLength: 30, example: 'ada_l' })
  username!: string;

  @ApiProperty(BIO_SCHEMA)
  bio!: string | null;

  @ApiProperty(IMAGE_SCHEMA)
  image!: string | null;

  @ApiProperty({ description: 'Whether the caller follows them; false when anonymous.' })
  following!: boolean;

  /** A user as Conduit shows an author or a profile (also inside articles and comments). */
  static from(this: void, user: UserResponse): ConduitProfile {
    return {
      username: user.username,
      bio: user.profile?.bio ?? null,
      image: user.profile?.avatarUrl ?? null,
      following: user.following,
    };
  }
}

/** `{ profile: { username, bio, image, following } }` */
export class ConduitProfileResponse {
  @ApiProperty({ type: ConduitProfile })
  profile!: ConduitProfile;

  static from(this: void, user: UserResponse): ConduitProfileResponse {
    return { profile: ConduitProfile.from(user) };
  }
}
