import { ApiProperty } from '@nestjs/swagger';

/** The short view of a user, as an author or a voter. */
export class UserSummaryResponse {
  @ApiProperty({ type: 'integer', example: 1 })
  id!: number;

  @ApiProperty({ example: 'ada_l' })
  username!: string;

  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'From the profile; null without one.',
    example: 'Ada Lovelace',
  })
  displayName!: string | null;

  static from(row: {
    id: number;
    username: string;
    displayName: string | null;
  }): UserSummaryResponse {
    return { id: row.id, username: row.username, displayName: row.displayName };
  }
}
