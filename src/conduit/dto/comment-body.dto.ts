import { CommentBodyField } from '../../comments/comment-fields.js';
import { Envelope, NotBlank } from './conduit-envelope.js';

/** A comment's body, by the rules of /api's comments; Conduit's comments have no replies. */
export class NewComment {
  @CommentBodyField()
  @NotBlank()
  body!: string;
}

export class NewCommentDto {
  @Envelope(NewComment)
  comment!: NewComment;
}
