import { ApiProperty } from '@nestjs/swagger';
import { ID_SCHEMA, TIMESTAMP_SCHEMA } from '../common/api-schema.js';
import type { Page } from '../common/paging/page.js';
import type { ArticleCommentRow } from '../comments/comment.row.js';
import { authorProfile } from './article-author.js';
import { ConduitProfile } from './conduit-profile.response.js';
import { MAX_COMMENTS } from './dto/articles-query.dto.js';

/** A comment as Conduit shows it: flat (a reply is a comment like any other). */
export class ConduitCommentResponse {
  @ApiProperty({ ...ID_SCHEMA, example: 1 })
  id!: number;

  @ApiProperty(TIMESTAMP_SCHEMA)
  createdAt!: string;

  @ApiProperty({
    ...TIMESTAMP_SCHEMA,
    description: 'Comments are never edited: the same as `createdAt`.',
  })
  updatedAt!: string;

  @ApiProperty({ minLength: 1, maxLength: 5000, example: 'A fine engine.' })
  body!: string;

  @ApiProperty({ type: ConduitProfile })
  author!: ConduitProfile;

  static from(this: void, row: ArticleCommentRow): ConduitCommentResponse {
    const createdAt = row.createdAt.toISOString();
    return {
      id: row.id,
      createdAt,
      updatedAt: createdAt,
      body: row.body,
      author: authorProfile(row),
    };
  }
}

export class SingleCommentResponse {
  @ApiProperty({ type: ConduitCommentResponse })
  comment!: ConduitCommentResponse;

  static from(this: void, row: ArticleCommentRow): SingleCommentResponse {
    return { comment: ConduitCommentResponse.from(row) };
  }
}

export class MultipleCommentsResponse {
  @ApiProperty({ type: [ConduitCommentResponse], maxItems: MAX_COMMENTS })
  comments!: ConduitCommentResponse[];

  static from(this: void, page: Page<ArticleCommentRow>): MultipleCommentsResponse {
    return { comments: page.data.map(ConduitCommentResponse.from) };
  }
}
