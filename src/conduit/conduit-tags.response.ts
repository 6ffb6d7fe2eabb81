import { ApiProperty } from '@nestjs/swagger';
import { TAG_NAME_SCHEMA } from '../common/api-schema.js';

/** `{ tags: [name…] }`: every tag in use, sorted by name. */
export class ConduitTagsResponse {
  @ApiProperty({
    type: 'array',
    items: TAG_NAME_SCHEMA,
    maxItems: 2_147_483_647,
    description: 'Every tag some published post carries, sorted by name.',
  })
  tags!: string[];

  static from(this: void, names: string[]): ConduitTagsResponse {
    return { tags: names };
  }
}
