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

/** What the rules need about a comment: its author, its post, the post's author and visibility. */
export interface CommentAccess {
  id: number;
  postId: number;
  authorId: number;
  postAuthorId: number;
  postPublished: boolean;
}
