import { ApiProperty } from '@nestjs/swagger';
import { TIMESTAMP_SCHEMA } from '../common/api-schema.js';
import type { ProfileRow } from './profile.row.js';

export class ProfileResponse {
  @ApiProperty({ minLength: 1, maxLength: 60, example: 'Ada Lovelace' })
  displayName!: string;

  @ApiProperty({ type: 'string', nullable: true, maxLength: 500, example: 'Analyst of engines.' })
  bio!: string | null;

  @ApiProperty({
    type: 'string',
    nullable: true,
    maxLength: 500,
    format: 'uri',
    example: 'https://example.com/ada.png',
  })
  avatarUrl!: string | null;

  @ApiProperty({ type: 'string', nullable: true, maxLength: 100, example: 'London' })
  location!: string | null;

  @ApiProperty(TIMESTAMP_SCHEMA)
  updatedAt!: string;

  static from(this: void, row: ProfileRow): ProfileResponse {
    return {
      displayName: row.displayName,
      bio: row.bio,
      avatarUrl: row.avatarUrl,
      location: row.location,
      updatedAt: row.updatedAt.toISOString(),
    };
  }
}
