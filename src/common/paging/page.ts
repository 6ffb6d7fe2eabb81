import { applyDecorators, type Type } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiProperty, getSchemaPath } from '@nestjs/swagger';
import { COUNT_SCHEMA } from '../api-schema.js';
import { MAX_CURSOR_LENGTH, MAX_LIMIT, MAX_OFFSET } from './page-query.dto.js';

/**
 * Counts stop here: a list whose total no counter keeps is counted up to this
 * many rows, and says `1000` with `totalExact: false` at or past it.
 */
export const TOTAL_CAP = 1000;

/** `meta.total` and `meta.totalExact` together. */
export interface Total {
  total: number | null;
  totalExact: boolean | null;
}

/** Not counted: cursor paging, or a search (see the API's totals rule). */
export const UNCOUNTED: Total = { total: null, totalExact: null };

/** A total a counter kept by the database answers. */
export function exactTotal(total: number): Total {
  return { total, totalExact: true };
}

/** The result of counting matches up to TOTAL_CAP rows. */
export function cappedTotal(counted: number): Total {
  return counted >= TOTAL_CAP
    ? { total: TOTAL_CAP, totalExact: false }
    : { total: counted, totalExact: true };
}

export class PageMeta {
  @ApiProperty({
    ...COUNT_SCHEMA,
    nullable: true,
    description: `All matches (offset paging): exact when \`totalExact\` is true; \`${TOTAL_CAP}\` with \`totalExact: false\` means ${TOTAL_CAP} or more. null with cursor paging and for a list with \`search\` (not counted: follow \`nextCursor\`).`,
    example: 123,
  })
  total!: number | null;

  @ApiProperty({
    type: 'boolean',
    nullable: true,
    description: `Whether \`total\` is exact. Exact totals come from counters the database keeps (all published posts, an author's published posts, a tag's published posts, a user's followers and following, a post's comments and voters); other lists are counted up to ${TOTAL_CAP} matches, and \`false\` here means "${TOTAL_CAP} or more". null when \`total\` is null.`,
    example: true,
  })
  totalExact!: boolean | null;

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
    description:
      'Pass as `cursor` for the next page (also in offset mode, to switch to keyset paging at any page); null on the last page.',
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
