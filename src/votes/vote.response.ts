import { ApiProperty } from '@nestjs/swagger';
import { COUNT_SCHEMA, ID_SCHEMA } from '../common/api-schema.js';

export class VoteResponse {
  @ApiProperty({ ...ID_SCHEMA, example: 1 })
  postId!: number;

  @ApiProperty({ ...COUNT_SCHEMA, description: 'The post’s votes, yours included.', example: 4 })
  votes!: number;

  @ApiProperty({ enum: [true] })
  voted!: true;
}
