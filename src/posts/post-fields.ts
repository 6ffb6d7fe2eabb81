import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { Trim, TrimToNull } from '../common/paging/transforms.js';
import { IsOmittable } from '../common/validation.js';
import { MAX_TAGS_PER_POST, TagList } from '../tags/tag-name.js';

/**
 * The rules of a post's fields, whichever face writes them (/api's `content`
 * and `tags` are Conduit's `body` and `tagList`), so both store the same.
 */

export const TitleField = (required = true) =>
  applyDecorators(
    (required ? ApiProperty : ApiPropertyOptional)({
      minLength: 1,
      maxLength: 200,
      example: 'On the Analytical Engine',
    }),
    Trim(),
    IsString(),
    Length(1, 200, { message: 'must be 1 to 200 characters long' }),
  );

/** Optional on both faces; blank or null stores none. */
export const DescriptionField = () =>
  applyDecorators(
    ApiPropertyOptional({
      type: 'string',
      nullable: true,
      maxLength: 500,
      description: 'A summary (trimmed; blank or null for none).',
      example: 'Notes on the engine that computes Bernoulli numbers.',
    }),
    IsOptional(),
    TrimToNull(),
    IsString(),
    MaxLength(500, { message: 'must be at most 500 characters long' }),
  );

export const ContentField = (required = true) =>
  applyDecorators(
    (required ? ApiProperty : ApiPropertyOptional)({
      minLength: 1,
      maxLength: 20000,
      example: 'It weaves algebraic patterns…',
    }),
    Trim(),
    IsString(),
    Length(1, 20000, { message: 'must be 1 to 20000 characters long' }),
  );

/** May be left out, never null. */
export const TagsField = () =>
  applyDecorators(
    ApiPropertyOptional({
      type: 'array',
      items: { type: 'string', minLength: 1, maxLength: 30 },
      maxItems: MAX_TAGS_PER_POST,
      example: ['engines', 'math'],
      description:
        'Tag names (1–30 of a-z, 0-9, -); trimmed, lowercased, deduplicated. Missing tags are created.',
    }),
    IsOmittable(),
    TagList(),
  );
