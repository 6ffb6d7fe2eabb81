import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';
import { IsOmittable } from '../../common/validation.js';
import { ContentField, DescriptionField, TagsField, TitleField } from '../post-fields.js';

export class CreatePostDto {
  @TitleField()
  title!: string;

  @DescriptionField()
  description?: string | null;

  @ContentField()
  content!: string;

  @ApiPropertyOptional({ default: true, description: 'false for a draft, visible only to you.' })
  @IsOmittable()
  @IsBoolean()
  published?: boolean;

  @TagsField()
  tags?: string[];
}
