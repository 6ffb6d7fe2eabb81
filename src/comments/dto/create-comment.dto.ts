import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { ID_SCHEMA, INT4_MAX } from '../../common/api-schema.js';
import { IsOmittable } from '../../common/validation.js';
import { CommentBodyField } from '../comment-fields.js';

export class CreateCommentDto {
  @CommentBodyField()
  body!: string;

  @ApiPropertyOptional({ ...ID_SCHEMA, description: 'Answer this comment (of the same post).' })
  @IsOmittable()
  @IsInt()
  @Min(1)
  @Max(INT4_MAX)
  parentId?: number;
}
