/**
 * The post-visibility rule, in one place: a published post is visible to
 * everyone; a draft only to its author (to anyone else it does not exist: 404,
 * absent from lists and counts). Posts, votes, comments and tags all ask here,
 * in SQL or in TypeScript; the two forms below are the same rule.
 */

/** What the rule needs to know about a post. */
export interface PostVisibilityFacts {
  published: boolean;
  authorId: number;
}

/** The rule as a predicate, for a post already read. */
export function isPostVisibleTo(post: PostVisibilityFacts, viewerId: number | undefined): boolean {
  return post.published || post.authorId === viewerId;
}

/**
 * The rule as SQL over the posts row `alias`. `viewer` is the SQL that names
 * the caller's id (`:viewerId` for the query builder, `$2` in a plain
 * statement), or undefined for an anonymous caller.
 */
export function postVisibleSql(alias: string, viewer: string | undefined): string {
  return viewer === undefined
    ? `${alias}.published`
    : `(${alias}.published OR ${alias}.author_id = ${viewer})`;
}

/**
 * For lists under one post (its voters, its comments): true when post
 * `:postId` exists and the caller may see it, so the page itself is empty for
 * someone else's draft. Binds `:postId`, and `:viewerId` when signed in.
 */
export function postVisibleToViewerSql(viewerId: number | undefined): string {
  const viewer = viewerId === undefined ? undefined : ':viewerId';
  return `EXISTS (SELECT 1 FROM posts vp WHERE vp.id = :postId AND ${postVisibleSql('vp', viewer)})`;
}
