import { ApiProperty } from '@nestjs/swagger';

export class VoteResponse {
  @ApiProperty({ type: 'integer', example: 1 })
  postId!: number;

  @ApiProperty({ type: 'integer', description: 'The post’s votes, yours included.', example: 4 })
  votes!: number;

  @ApiProperty({ enum: [true] })
  voted!: true;
}
