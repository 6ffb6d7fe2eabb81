import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateBy,
} from 'class-validator';
import { PageQueryDto } from '../../common/paging/page-query.dto.js';
import { SortQuery, defaultSort, sortValues, type SortTerm } from '../../common/paging/sort.js';
import { Trim } from '../../common/paging/transforms.js';
import { MAX_TAGS_PER_POST, TAG_NAME, normaliseTagNames } from '../../tags/tag-name.js';
import { parseUserRef, type UserRef } from '../../users/user-ref.js';
import { FEED_SORT, POST_SORT } from '../post-sort.js';

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
    type: 'string',
    description: `Comma-separated; \`-\` for descending; the id breaks ties. One or more of: ${sortValues(POST_SORT).join(', ')}.`,
    // documentSortParameters turns this into a comma-separated array of these values.
    enum: sortValues(POST_SORT),
    default: POST_SORT.default,
    example: '-votes',
    maxLength: 200,
  })
  @IsOptional()
  @SortQuery(POST_SORT, 200)
  sort: SortTerm[] = defaultSort(POST_SORT);
}

export class PostsQueryDto extends AuthorPostsQueryDto {
  @ApiPropertyOptional({
    type: 'string',
    description:
      'A user id or a username (digits are read as an id). With your own, your drafts are listed too.',
    maxLength: 30,
    example: 'ada_l',
  })
  @IsOptional()
  // Read here, once: `{ id }` or `{ username }`; what is neither stays text and fails below.
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? (parseUserRef(value.trim()) ?? value) : value,
  )
  @ValidateBy(
    {
      name: 'isAuthorRef',
      validator: { validate: (value: unknown) => typeof value === 'object' && value !== null },
    },
    { message: 'must be a user id or a username' },
  )
  author?: UserRef;
}

/** GET /api/feed: paging, and `sort` by createdAt only. */
export class FeedQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    type: 'string',
    enum: ['-createdAt', 'createdAt'],
    default: '-createdAt',
    description: 'Newest first by default (also when blank); the id breaks ties.',
  })
  @IsOptional()
  @SortQuery(FEED_SORT, 100)
  sort: SortTerm[] = defaultSort(FEED_SORT);
}
