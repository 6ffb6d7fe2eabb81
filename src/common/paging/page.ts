import { applyDecorators, type Type } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiProperty, getSchemaPath } from '@nestjs/swagger';
import { COUNT_SCHEMA } from '../api-schema.js';
import { MAX_CURSOR_LENGTH, MAX_LIMIT, MAX_OFFSET } from './page-query.dto.js';

export class PageMeta {
  @ApiProperty({
    ...COUNT_SCHEMA,
    nullable: true,
    description: 'All matches (offset paging); null with cursor paging.',
    example: 123,
  })
  total!: number | null;

  @ApiProperty({ type: 'integer', format: 'int32', minimum: 1, maximum: MAX_LIMIT, example: 20 })
  limit!: number;

  @ApiProperty({
    type: 'integer',
    format: 'int32',
    minimum: 0,
    maximum: MAX_OFFSET,
    nullable: true,
    description: 'null with cursor paging.',
    example: 0,
  })
  offset!: number | null;

  @ApiProperty({
    type: 'string',
    nullable: true,
    maxLength: MAX_CURSOR_LENGTH,
    description: 'Pass as `cursor` for the next page; null on the last page.',
  })
  nextCursor!: string | null;
}

/** The list envelope: `{ data, meta }`. */
export interface Page<T> {
  data: T[];
  meta: PageMeta;
}

/** Documents a 200 whose body is the list envelope around `item`. */
export function ApiPageResponse(item: Type<unknown>, description = 'A page of results.') {
  return applyDecorators(
    ApiExtraModels(PageMeta, item),
    ApiOkResponse({
      description,
      schema: {
        type: 'object',
        required: ['data', 'meta'],
        properties: {
          data: { type: 'array', maxItems: MAX_LIMIT, items: { $ref: getSchemaPath(item) } },
          meta: { $ref: getSchemaPath(PageMeta) },
        },
      },
    }),
  );
}

/** The same page with each row mapped (a repository's rows to a response class). */
export function mapPage<Row, Item>(page: Page<Row>, map: (row: Row) => Item): Page<Item> {
  return { data: page.data.map(map), meta: page.meta };
}

/**
 * A page of what lies under a parent (a user's posts, a post's voters): an
 * empty page cannot tell "none yet" from "no such parent" (or one the caller
 * may not see), so only then is `assertParent` asked, which throws its 404.
 */
export async function checkedUnder<T>(
  page: Page<T>,
  assertParent: () => Promise<unknown>,
): Promise<Page<T>> {
  if (page.data.length === 0) await assertParent();
  return page;
}
