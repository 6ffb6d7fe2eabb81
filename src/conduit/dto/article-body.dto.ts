import { ValidateIf } from 'class-validator';
import { ContentField, DescriptionField, TagsField, TitleField } from '../../posts/post-fields.js';
import { Envelope, NotBlank } from './conduit-envelope.js';

/** A field that may be left out, but not sent as null or blank. */
const Omittable = () => ValidateIf((_object: unknown, value: unknown) => value !== undefined);

/** What POST /articles writes: a published post (Conduit has no drafts), by /api's field rules. */
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
 * out, not sent as null (but `description`, which null or blank clears);
 * `tagList` replaces the set (`[]` clears it).
 */
export class UpdatedArticle {
  @TitleField(false)
  @Omittable()
  @NotBlank()
  title?: string;

  @DescriptionField()
  description?: string | null;

  @ContentField(false)
  @Omittable()
  @NotBlank()
  body?: string;

  @TagsField()
  tagList?: string[];
}

export class NewArticleDto {
  @Envelope(NewArticle)
  article!: NewArticle;
}

export class UpdateArticleDto {
  @Envelope(UpdatedArticle, 'Only the fields sent change.')
  article!: UpdatedArticle;
}
