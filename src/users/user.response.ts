import { ApiProperty } from '@nestjs/swagger';
import {
  COUNT_SCHEMA,
  ID_SCHEMA,
  TIMESTAMP_SCHEMA,
  USERNAME_SCHEMA,
} from '../common/api-schema.js';
import { ProfileResponse } from '../profiles/profile.response.js';
import type { ProfileRow } from '../profiles/profile.row.js';
import type { MeRow, UserRow, UserViewRow } from './user.row.js';

export function profileFrom(row: UserRow): ProfileResponse | null {
  if (row.profileDisplayName === null || row.profileUpdatedAt === null) return null;
  const profile: ProfileRow = {
    displayName: row.profileDisplayName,
    bio: row.profileBio,
    avatarUrl: row.profileAvatarUrl,
    location: row.profileLocation,
    updatedAt: row.profileUpdatedAt,
  };
  return ProfileResponse.from(profile);
}

export class UserCounts {
  @ApiProperty({ ...COUNT_SCHEMA, description: 'Published posts.', example: 12 })
  posts!: number;

  @ApiProperty({ ...COUNT_SCHEMA, example: 40 })
  followers!: number;

  @ApiProperty({ ...COUNT_SCHEMA, example: 3 })
  following!: number;
}

/** What every view of a user shows. */
abstract class UserFields {
  @ApiProperty({ ...ID_SCHEMA, example: 1 })
  id!: number;

  @ApiProperty(USERNAME_SCHEMA)
  username!: string;

  @ApiProperty(TIMESTAMP_SCHEMA)
  createdAt!: string;

  @ApiProperty({ type: ProfileResponse, nullable: true })
  profile!: ProfileResponse | null;
}

/** A user as anyone may see them. */
export class UserResponse extends UserFields {
  @ApiProperty({ type: UserCounts })
  counts!: UserCounts;

  @ApiProperty({ description: 'Whether the caller follows this user; false when anonymous.' })
  following!: boolean;

  static from(this: void, row: UserViewRow): UserResponse {
    return {
      id: row.id,
      username: row.username,
      createdAt: row.createdAt.toISOString(),
      profile: profileFrom(row),
      counts: {
        posts: row.postsCount,
        followers: row.followersCount,
        following: row.followingCount,
      },
      following: row.following,
    };
  }
}

/** The caller's own account: the only view that shows an email. */
export class MeResponse extends UserFields {
  @ApiProperty({ format: 'email', maxLength: 254, example: 'ada@example.com' })
  email!: string;

  static from(this: void, row: MeRow): MeResponse {
    return {
      id: row.id,
      email: row.email,
      username: row.username,
      createdAt: row.createdAt.toISOString(),
      profile: profileFrom(row),
    };
  }
}
