import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsNotEmpty, IsObject, ValidateIf, ValidateNested } from 'class-validator';
import {
  ContentField,
  DescriptionField,
  TagsField,
  TitleField,
} from '../../posts/dto/post-fields.js';

/** RealWorld's word for a required text left out, null or blank (after trimming). */
const NotBlank = () => IsNotEmpty({ message: "can't be blank" });

/** What POST /articles writes: a published post (Conduit has no drafts). */
export class NewArticle {
  @TitleField()
  @NotBlank()
  title!: string;

  @DescriptionField()
  description?: string | null;

  @ContentField()
  @NotBlank()
  body!: string;

  @TagsField()
  tagList?: string[];
}

/**
 * What PUT /articles/:slug changes: the fields sent. A field may be left
 * out, not sent as null (but `description`, which null clears); `tagList`
 * replaces the set (`[]` clears it).
 */
export class UpdatedArticle {
  @TitleField(false)
  @ValidateIf((_o, value) => value !== undefined)
  @NotBlank()
  title?: string;

  @DescriptionField()
  description?: string | null;

  @ContentField(false)
  @ValidateIf((_o, value) => value !== undefined)
  @NotBlank()
  body?: string;

  @TagsField()
  tagList?: string[];
}

export class NewArticleDto {
  @ApiProperty({ type: NewArticle })
  @IsDefined({ message: "can't be blank" })
  @IsObject({ message: 'must be an object' })
  @ValidateNested()
  @Type(() => NewArticle)
  article!: NewArticle;
}

export class UpdateArticleDto {
  @ApiProperty({ type: UpdatedArticle })
  @IsDefined({ message: "can't be blank" })
  @IsObject({ message: 'must be an object' })
  @ValidateNested()
  @Type(() => UpdatedArticle)
  article!: UpdatedArticle;
}
