import { ApiProperty } from '@nestjs/swagger';
import {
  COUNT_SCHEMA,
  ID_SCHEMA,
  TAG_NAME_SCHEMA,
  TIMESTAMP_SCHEMA,
} from '../common/api-schema.js';
import { MAX_TAGS_PER_POST } from '../tags/tag-name.js';
import { UserSummaryResponse } from '../users/user-summary.response.js';
import type { PostRow } from './post.row.js';

export class PostResponse {
  @ApiProperty({ ...ID_SCHEMA, example: 1 })
  id!: number;

  @ApiProperty({ minLength: 1, maxLength: 200, example: 'On the Analytical Engine' })
  title!: string;

  @ApiProperty({
    type: 'string',
    nullable: true,
    maxLength: 500,
    description: 'A summary; null when the author gave none.',
    example: 'Notes on the engine that computes Bernoulli numbers.',
  })
  description!: string | null;

  @ApiProperty({ minLength: 1, maxLength: 20000, example: 'It weaves algebraic patterns…' })
  content!: string;

  @ApiProperty({ description: 'A draft (false) is visible only to its author.' })
  published!: boolean;

  @ApiProperty(TIMESTAMP_SCHEMA)
  createdAt!: string;

  @ApiProperty(TIMESTAMP_SCHEMA)
  updatedAt!: string;

  @ApiProperty({ type: UserSummaryResponse })
  author!: UserSummaryResponse;

  @ApiProperty({
    type: 'array',
    items: TAG_NAME_SCHEMA,
    maxItems: MAX_TAGS_PER_POST,
    description: 'Tag names, sorted.',
    example: ['engines', 'math'],
  })
  tags!: string[];

  @ApiProperty({ ...COUNT_SCHEMA, description: 'Number of votes.', example: 3 })
  votes!: number;

  @ApiProperty({
    ...COUNT_SCHEMA,
    description: 'Number of comments, replies included.',
    example: 0,
  })
  comments!: number;

  @ApiProperty({ description: 'Whether the caller voted for it; false when anonymous.' })
  voted!: boolean;

  static from(this: void, row: PostRow): PostResponse {
    return {
      id: row.id,
      title: row.title,
      description: row.description,
      content: row.content,
      published: row.published,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
      author: {
        id: row.authorId,
        username: row.authorUsername,
        displayName: row.authorDisplayName,
      },
      tags: row.tags,
      votes: row.votes,
      comments: row.comments,
      voted: row.voted,
    };
  }
}
