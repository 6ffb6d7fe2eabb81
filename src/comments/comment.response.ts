import { ApiProperty } from '@nestjs/swagger';
import { COUNT_SCHEMA, ID_SCHEMA, TIMESTAMP_SCHEMA } from '../common/api-schema.js';
import { UserSummaryResponse } from '../users/user-summary.response.js';
import type { CommentRow } from './comment.row.js';

export class CommentResponse {
  @ApiProperty({ ...ID_SCHEMA, example: 1 })
  id!: number;

  @ApiProperty({ minLength: 1, maxLength: 5000, example: 'A fine engine.' })
  body!: string;

  @ApiProperty(TIMESTAMP_SCHEMA)
  createdAt!: string;

  @ApiProperty({ type: UserSummaryResponse })
  author!: UserSummaryResponse;

  @ApiProperty({
    ...ID_SCHEMA,
    nullable: true,
    description: 'The comment this one answers; null at top level.',
  })
  parentId!: number | null;

  @ApiProperty({ ...COUNT_SCHEMA, description: 'Direct replies.', example: 2 })
  replies!: number;

  static from(this: void, row: CommentRow): CommentResponse {
    return {
      id: row.id,
      body: row.body,
      createdAt: row.createdAt.toISOString(),
      author: {
        id: row.authorId,
        username: row.authorUsername,
        displayName: row.authorDisplayName,
      },
      parentId: row.parentId,
      replies: row.replies,
    };
  }
}
