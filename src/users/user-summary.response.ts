import { ApiProperty } from '@nestjs/swagger';
import { ID_SCHEMA, USERNAME_SCHEMA } from '../common/api-schema.js';
import type { UserSummaryRow } from './user.row.js';

/** The short view of a user, as an author or a voter. */
export class UserSummaryResponse {
  @ApiProperty({ ...ID_SCHEMA, example: 1 })
  id!: number;

  @ApiProperty(USERNAME_SCHEMA)
  username!: string;

  @ApiProperty({
    type: 'string',
    nullable: true,
    maxLength: 60,
    description: 'From the profile; null without one.',
    example: 'Ada Lovelace',
  })
  displayName!: string | null;

  static from(this: void, row: UserSummaryRow): UserSummaryResponse {
    return { id: row.id, username: row.username, displayName: row.displayName };
  }
}
