import { ApiProperty } from '@nestjs/swagger';
import { COUNT_SCHEMA, TAG_NAME_SCHEMA, TIMESTAMP_SCHEMA } from '../common/api-schema.js';
import { MAX_LIMIT } from '../common/paging/page-query.dto.js';
import type { Page } from '../common/paging/page.js';
import type { ArticleRow } from '../posts/post.row.js';
import { MAX_TAGS_PER_POST } from '../tags/tag-name.js';
import { authorProfile } from './article-author.js';
import { ConduitProfile } from './conduit-profile.response.js';

/** An article in a list: everything but its body (RealWorld lists leave it out). */
export class ArticleListItemResponse {
  @ApiProperty({
    type: 'string',
    minLength: 1,
    maxLength: 100,
    pattern: '^[a-z0-9-]+$',
    description: 'From the title and the id; a new title gives a new slug.',
    example: 'on-the-analytical-engine-1',
  })
  slug!: string;

  @ApiProperty({ minLength: 1, maxLength: 200, example: 'On the Analytical Engine' })
  title!: string;

  @ApiProperty({
    type: 'string',
    maxLength: 500,
    description: 'A summary; empty when the author gave none.',
  })
  description!: string;

  @ApiProperty({
    type: 'array',
    items: TAG_NAME_SCHEMA,
    maxItems: MAX_TAGS_PER_POST,
    description: 'Tag names, sorted.',
  })
  tagList!: string[];

  @ApiProperty(TIMESTAMP_SCHEMA)
  createdAt!: string;

  @ApiProperty({ ...TIMESTAMP_SCHEMA, description: 'Moves on every edit.' })
  updatedAt!: string;

  @ApiProperty({ description: 'Whether you favourited (voted for) it; false when anonymous.' })
  favorited!: boolean;

  @ApiProperty({ ...COUNT_SCHEMA, description: 'Its votes, as /api counts them.' })
  favoritesCount!: number;

  @ApiProperty({ type: ConduitProfile })
  author!: ConduitProfile;

  static from(this: void, row: ArticleRow): ArticleListItemResponse {
    return {
      slug: row.slug,
      title: row.title,
      description: row.description ?? '',
      tagList: row.tags,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
      favorited: row.voted,
      favoritesCount: row.votes,
      author: authorProfile(row),
    };
  }
}

/** One article, with its body. */
export class ArticleResponse extends ArticleListItemResponse {
  @ApiProperty({ minLength: 1, maxLength: 20000, example: 'It weaves algebraic patterns…' })
  body!: string;

  static override from(this: void, row: ArticleRow): ArticleResponse {
    if (row.content === undefined) throw new Error(`article ${row.id} was read without its body`);
    return { ...ArticleListItemResponse.from(row), body: row.content };
  }
}

export class SingleArticleResponse {
  @ApiProperty({ type: ArticleResponse })
  article!: ArticleResponse;

  static from(this: void, row: ArticleRow): SingleArticleResponse {
    return { article: ArticleResponse.from(row) };
  }
}

export class MultipleArticlesResponse {
  @ApiProperty({ type: [ArticleListItemResponse], maxItems: MAX_LIMIT })
  articles!: ArticleListItemResponse[];

  @ApiProperty({
    ...COUNT_SCHEMA,
    description:
      'All matches, as /api’s `meta.total` counts them: exact from a counter (all articles, one author’s, one tag’s), else counted up to 1,000 (1000 means 1,000 or more).',
  })
  articlesCount!: number;

  static from(this: void, page: Page<ArticleRow>): MultipleArticlesResponse {
    return {
      articles: page.data.map(ArticleListItemResponse.from),
      articlesCount: page.meta.total ?? 0,
    };
  }
}
