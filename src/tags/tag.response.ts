import { ApiProperty } from '@nestjs/swagger';
import { COUNT_SCHEMA, TAG_NAME_SCHEMA } from '../common/api-schema.js';

export class TagResponse {
  @ApiProperty(TAG_NAME_SCHEMA)
  name!: string;

  @ApiProperty({ ...COUNT_SCHEMA, description: 'Published posts carrying the tag.', example: 12 })
  posts!: number;

  static from(this: void, row: { name: string; posts: number }): TagResponse {
    return { name: row.name, posts: row.posts };
  }
}
