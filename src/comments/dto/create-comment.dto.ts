import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsString, Length, Max, Min } from 'class-validator';
import { ID_SCHEMA, INT4_MAX } from '../../common/api-schema.js';
import { Trim } from '../../common/paging/transforms.js';
import { IsOmittable } from '../../common/validation.js';

export class CreateCommentDto {
  @ApiProperty({ minLength: 1, maxLength: 5000, example: 'A fine engine.' })
  @Trim()
  @IsString()
  @Length(1, 5000, { message: 'must be 1 to 5000 characters long' })
  body!: string;

  @ApiPropertyOptional({ ...ID_SCHEMA, description: 'Answer this comment (of the same post).' })
  @IsOmittable()
  @IsInt()
  @Min(1)
  @Max(INT4_MAX)
  parentId?: number;
}
