/** A comment as the read model selects it: the comment, its author and its count of replies. */
export interface CommentRow {
  id: number;
  body: string;
  createdAt: Date;
  parentId: number | null;
  replies: number;
  authorId: number;
  authorUsername: string;
  authorDisplayName: string | null;
}

/** A comment as the Conduit face shows it: its author as a Conduit profile too. */
export interface ArticleCommentRow extends CommentRow {
  authorBio: string | null;
  authorImage: string | null;
  /** Whether the caller follows the author; false when anonymous. */
  authorFollowed: boolean;
}

/** What the rules need about a comment: its author, its post, the post's author and visibility. */
export interface CommentAccess {
  id: number;
  postId: number;
  authorId: number;
  postAuthorId: number;
  postPublished: boolean;
}
