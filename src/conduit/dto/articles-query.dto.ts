import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, Matches } from 'class-validator';
import {
  DEFAULT_LIMIT,
  LimitRule,
  MAX_LIMIT,
  MAX_OFFSET,
  OffsetRule,
} from '../../common/paging/page-query.dto.js';
import { Trim } from '../../common/paging/transforms.js';
import { normaliseTagName, TAG_NAME } from '../../tags/tag-name.js';
import { USERNAME_PATTERN } from '../../users/user-ref.js';

/** `limit`: 1 to `max`, `fallback` when left out. */
const Limit = (max: number, fallback: number, description: string) =>
  applyDecorators(
    ApiPropertyOptional({
      description,
      minimum: 1,
      maximum: max,
      default: fallback,
      type: 'integer',
      format: 'int32',
    }),
    LimitRule(max),
  );

/** `offset`, with /api's bound (API.md's paging): no deeper than 10,000 rows in. */
class OffsetQueryDto {
  @ApiPropertyOptional({
    description: `Rows to skip; at most ${MAX_OFFSET} (Conduit has no cursor: narrow the list instead).`,
    minimum: 0,
    maximum: MAX_OFFSET,
    default: 0,
    type: 'integer',
    format: 'int32',
  })
  @OffsetRule(`must not be greater than ${MAX_OFFSET}`)
  offset: number = 0;
}

/** Conduit's `limit` and `offset`, with /api's bounds: a page costs at most 100 rows. */
export class ConduitPageQueryDto extends OffsetQueryDto {
  @Limit(MAX_LIMIT, DEFAULT_LIMIT, 'Page size.')
  limit: number = DEFAULT_LIMIT;
}

const USERNAME_PARAM = {
  type: 'string',
  minLength: 3,
  maxLength: 30,
  pattern: USERNAME_PATTERN.source,
} as const;

/** GET /articles: filters of GET /api/posts in Conduit's words, newest first. */
export class ArticlesQueryDto extends ConduitPageQueryDto {
  @ApiPropertyOptional({
    type: 'string',
    minLength: 1,
    maxLength: 30,
    description: 'Articles with this tag (trimmed and lowercased).',
    example: 'dragons',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? normaliseTagName(value) : value,
  )
  @IsString()
  @Matches(TAG_NAME, { message: 'must be 1 to 30 of a-z, 0-9 and -' })
  tag?: string;

  @ApiPropertyOptional({ ...USERNAME_PARAM, description: 'Articles by this username.' })
  @IsOptional()
  @Trim()
  @IsString()
  @Matches(USERNAME_PATTERN, { message: 'must be a username' })
  author?: string;

  @ApiPropertyOptional({
    ...USERNAME_PARAM,
    description: 'Articles this username favourited (voted for).',
  })
  @IsOptional()
  @Trim()
  @IsString()
  @Matches(USERNAME_PATTERN, { message: 'must be a username' })
  favorited?: string;
}

/**
 * GET /articles/:slug/comments: Conduit lists a whole thread in one answer;
 * Agora bounds it (a read costs its page): the first 1,000 comments unless
 * `limit` says fewer, `offset` for the rest.
 */
export const MAX_COMMENTS = 1000;

export class CommentsQueryDto extends OffsetQueryDto {
  @Limit(
    MAX_COMMENTS,
    MAX_COMMENTS,
    `At most this many comments, oldest first; Conduit clients send no limit and get up to ${MAX_COMMENTS}.`,
  )
  limit: number = MAX_COMMENTS;
}

/** An article's slug in a path: what the database's post_slug() makes (anything else is a 404). */
export const SLUG_PARAM = {
  name: 'slug',
  description: 'The article’s slug.',
  schema: { type: 'string', maxLength: 100, example: 'on-the-analytical-engine-1' },
} as const;
