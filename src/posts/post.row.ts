/** A post row as the read model selects it: the post, its author, its counts and tags. */
export interface PostRow {
  id: number;
  title: string;
  description: string | null;
  content: string;
  published: boolean;
  createdAt: Date;
  updatedAt: Date;
  authorId: number;
  authorUsername: string;
  authorDisplayName: string | null;
  votes: number;
  comments: number;
  voted: boolean;
  tags: string[];
}

/**
 * A post as the Conduit face reads it: the Post row with the slug and the
 * author's Conduit profile; `content` is absent from list items.
 */
export interface ArticleRow extends Omit<PostRow, 'content'> {
  content?: string;
  slug: string;
  authorBio: string | null;
  authorImage: string | null;
  /** Whether the caller follows the author; false when anonymous. */
  authorFollowed: boolean;
}

/** Who owns a post and whether it is published: what access rules need. */
export interface PostAccess {
  id: number;
  authorId: number;
  published: boolean;
}

/** The columns a client writes. */
export interface PostFields {
  title: string;
  description: string | null;
  content: string;
  published: boolean;
}
