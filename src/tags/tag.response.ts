import { ApiProperty } from '@nestjs/swagger';

export class TagResponse {
  @ApiProperty({ pattern: '^[a-z0-9-]{1,30}$', example: 'math' })
  name!: string;

  @ApiProperty({ type: 'integer', description: 'Published posts carrying the tag.', example: 12 })
  posts!: number;

  static from(row: { name: string; posts: number }): TagResponse {
    return { name: row.name, posts: row.posts };
  }
}
