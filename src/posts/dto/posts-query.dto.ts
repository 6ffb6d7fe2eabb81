import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateBy,
} from 'class-validator';
import { PageQueryDto } from '../../common/paging/page-query.dto.js';
import { sortValues } from '../../common/paging/sort.js';
import { BlankAsUnset, Trim } from '../../common/paging/transforms.js';
import { MAX_TAGS_PER_POST, TAG_NAME, normaliseTagNames } from '../../tags/tag-name.js';
import { POST_SORT } from '../posts.repository.js';

/** Query of GET /api/users/:id/posts: everything GET /api/posts takes but `author`. */
export class AuthorPostsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    description: 'Case-insensitive substring of the title or the content (matched literally).',
    maxLength: 200,
  })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(200)
  search?: string;

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'string', minLength: 1, maxLength: 30 },
    description:
      'A tag name (1–30 of a-z, 0-9 and -, trimmed and lowercased); repeat it to require all of them.',
    maxItems: MAX_TAGS_PER_POST,
  })
  @IsOptional()
  // One `tag` arrives as a string, several as an array.
  @Transform(({ value }: { value: unknown }) =>
    normaliseTagNames(Array.isArray(value) ? value : [value]),
  )
  @IsArray()
  @ArrayMaxSize(MAX_TAGS_PER_POST)
  @IsString({ each: true })
  @Matches(TAG_NAME, { each: true, message: 'each tag must be 1 to 30 of a-z, 0-9 and -' })
  tag?: string[];

  @ApiPropertyOptional({
    description: `Comma-separated; \`-\` for descending; the id breaks ties. One or more of: ${sortValues(POST_SORT).join(', ')}.`,
    // documentSortParameters turns this into a comma-separated array of these values.
    enum: sortValues(POST_SORT),
    default: POST_SORT.default,
    example: '-votes',
    maxLength: 200,
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  sort?: string;
}

export class PostsQueryDto extends AuthorPostsQueryDto {
  @ApiPropertyOptional({
    description:
      'A user id or a username (digits are read as an id). With your own, your drafts are listed too.',
    maxLength: 30,
    example: 'ada_l',
  })
  @IsOptional()
  @Trim()
  @IsString()
  @ValidateBy(
    { name: 'isAuthorRef', validator: { validate: isAuthorRef } },
    { message: 'must be a user id or a username' },
  )
  author?: string;
}

/**
 * Digits alone are an id, which must be a positive int4 in plain decimal (as
 * path ids are); anything else must be a username.
 */
function isAuthorRef(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  if (/^\d+$/.test(value)) return /^[1-9]\d{0,9}$/.test(value) && Number(value) <= 2_147_483_647;
  return /^[A-Za-z0-9_]{3,30}$/.test(value);
}

/** GET /api/feed: paging, and `sort` by createdAt only. */
export class FeedQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    enum: ['-createdAt', 'createdAt'],
    default: '-createdAt',
    description: 'Newest first by default (also when blank); the id breaks ties.',
  })
  @BlankAsUnset()
  @IsOptional()
  @IsIn(['-createdAt', 'createdAt'])
  sort?: string;
}
