import type { Auth } from './api.js';
import type { TestApp } from './app.js';
import { getList, type Query } from './lists.js';

/** A post as stored; `moved` is whether updated_at has moved past created_at. */
export interface PostRow {
  author_id: number;
  title: string;
  description: string | null;
  slug: string;
  content: string;
  published: boolean;
  moved: boolean;
}

export async function postRow(t: TestApp, id: number): Promise<PostRow | undefined> {
  const rows: PostRow[] = await t.db.query(
    `SELECT author_id, title, description, slug, content, published, updated_at > created_at AS moved
       FROM posts WHERE id = $1`,
    [id],
  );
  return rows[0];
}

/** The tag names linked to a post in post_tags, sorted. */
export async function linkedTags(t: TestApp, postId: number): Promise<string[]> {
  const rows: { name: string }[] = await t.db.query(
    `SELECT t.name FROM post_tags pt JOIN tags t ON t.id = pt.tag_id
      WHERE pt.post_id = $1 ORDER BY t.name COLLATE "C"`,
    [postId],
  );
  return rows.map((r) => r.name);
}

/** GET /api/posts with `query`, as `auth` when given. */
export const listPosts = (t: TestApp, query: Query, auth?: Auth) =>
  getList(t, '/api/posts', query, auth);
