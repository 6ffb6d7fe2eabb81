import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  registerDecorator,
  type ValidationArguments,
} from 'class-validator';
import { ToInt } from './transforms.js';

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;
/** Deep offsets cost a scan of every skipped row: past this, page with `cursor`. */
export const MAX_OFFSET = 10_000;
/**
 * Longest cursor, issued or accepted. A cursor carries the last row's sort
 * values: with a title of 200 characters that JSON escapes to 6 bytes each
 * (and every other sort field), one stays under 2,000 characters.
 */
export const MAX_CURSOR_LENGTH = 4096;

/** A `limit` query parameter's rule: a plain decimal integer from 1 to `max`. */
export const LimitRule = (max: number) =>
  applyDecorators(IsOptional(), ToInt(), IsInt(), Min(1), Max(max));

/** An `offset` query parameter's rule: 0 to MAX_OFFSET, `tooDeep` past it. */
export const OffsetRule = (tooDeep: string) =>
  applyDecorators(IsOptional(), ToInt(), IsInt(), Min(0), Max(MAX_OFFSET, { message: tooDeep }));

/** `limit` plus either `offset` or `cursor`: every list endpoint takes these. */
export class PageQueryDto {
  @ApiPropertyOptional({
    description: 'Page size.',
    minimum: 1,
    maximum: MAX_LIMIT,
    default: DEFAULT_LIMIT,
    type: 'integer',
    format: 'int32',
  })
  @LimitRule(MAX_LIMIT)
  limit: number = DEFAULT_LIMIT;

  @ApiPropertyOptional({
    description: `Rows to skip (offset paging; \`meta.total\` counts the matches, see \`totalExact\`). At most ${MAX_OFFSET}: page deeper by following \`meta.nextCursor\` (returned in offset mode too). Not with \`cursor\`.`,
    minimum: 0,
    maximum: MAX_OFFSET,
    default: 0,
    type: 'integer',
    format: 'int32',
  })
  @OffsetRule(
    `must not be greater than ${MAX_OFFSET}; to page deeper, follow meta.nextCursor with cursor`,
  )
  offset?: number;

  @ApiPropertyOptional({
    description:
      'The opaque `meta.nextCursor` of the previous page (keyset paging; `meta.total` is null). Not with `offset`, and only with the sort it was issued for.',
    maxLength: MAX_CURSOR_LENGTH,
  })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_CURSOR_LENGTH)
  @NotWith('offset')
  cursor?: string;
}

/** The property may not be sent together with `other`. */
function NotWith(other: string): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'notWith',
      target: target.constructor,
      propertyName: String(propertyName),
      constraints: [other],
      options: { message: `cannot be combined with ${other}` },
      validator: {
        validate: (value: unknown, args: ValidationArguments) =>
          value === undefined || (args.object as Record<string, unknown>)[other] === undefined,
      },
    });
}
