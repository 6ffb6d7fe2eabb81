import { applyDecorators, type Type } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiProperty, getSchemaPath } from '@nestjs/swagger';

export class PageMeta {
  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'All matches (offset paging); null with cursor paging.',
    example: 123,
  })
  total!: number | null;

  @ApiProperty({ type: 'integer', example: 20 })
  limit!: number;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'null with cursor paging.',
    example: 0,
  })
  offset!: number | null;

  @ApiProperty({
    type: 'string',
    nullable: true,
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
          data: { type: 'array', items: { $ref: getSchemaPath(item) } },
          meta: { $ref: getSchemaPath(PageMeta) },
        },
      },
    }),
  );
}
