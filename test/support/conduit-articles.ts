import { expect } from '@jest/globals';
import type { Auth, Schemas } from './api.js';
import type { TestApp } from './app.js';
import { CONDUIT } from './conduit.js';

/** The Conduit face's articles, favourites and comments, for its specs. */

export type Article = Schemas['ArticleResponse'];
export type ArticleListItem = Schemas['ArticleListItemResponse'];
export type ArticleList = Schemas['MultipleArticlesResponse'];
export type ConduitComment = Schemas['ConduitCommentResponse'];

/** Conduit's header for a user's token: `Token <jwt>` (the same tokens as /api). */
export function tokenOf(user: { token: string }): Auth {
  return { Authorization: `Token ${user.token}` };
}

/** Conduit's error body. */
export function errors(field: string, ...messages: string[]): { errors: Record<string, string[]> } {
  return { errors: { [field]: messages } };
}

/** POST /conduit/api/articles as `user`: 201, the article. */
export async function createArticle(
  t: TestApp,
  user: { token: string },
  fields: Partial<{ title: string; description: string; body: string; tagList: string[] }> = {},
): Promise<Article> {
  const article = { title: 'A title', description: 'A summary', body: 'Some body', ...fields };
  const res = await t.http().post(`${CONDUIT}/articles`).set(tokenOf(user)).send({ article });
  expect([res.status, res.body]).toEqual([201, res.body]);
  return (res.body as { article: Article }).article;
}

/** GET `path` under the Conduit prefix, as `user` when given. */
export function conduitGet(t: TestApp, path: string, user?: { token: string }) {
  const req = t.http().get(`${CONDUIT}${path}`);
  return user ? req.set(tokenOf(user)) : req;
}

/** The stored post behind a slug (null when none). */
export async function storedPost(
  t: TestApp,
  slug: string,
): Promise<{
  id: number;
  title: string;
  description: string | null;
  content: string;
  published: boolean;
  authorId: number;
  updatedAt: Date;
  tags: string[];
} | null> {
  const rows: unknown[] = await t.db.query(
    `SELECT p.id, p.title, p.description, p.content, p.published, p.author_id AS "authorId",
            p.updated_at AS "updatedAt",
            ARRAY(SELECT t.name FROM post_tags pt JOIN tags t ON t.id = pt.tag_id
                   WHERE pt.post_id = p.id ORDER BY t.name COLLATE "C") AS tags
       FROM posts p WHERE p.slug = $1`,
    [slug],
  );
  return (rows[0] as Awaited<ReturnType<typeof storedPost>>) ?? null;
}

/** How many posts, votes and comments a user has stored: what a refused write must not change. */
export async function footprint(t: TestApp, userId: number): Promise<unknown> {
  const rows: { f: unknown }[] = await t.db.query(
    `SELECT json_build_object(
       'posts', (SELECT json_agg(to_jsonb(p) ORDER BY p.id) FROM posts p WHERE p.author_id = $1),
       'tags', (SELECT json_agg(json_build_array(pt.post_id, pt.tag_id) ORDER BY pt.post_id, pt.tag_id)
                  FROM post_tags pt JOIN posts p ON p.id = pt.post_id WHERE p.author_id = $1),
       'votes', (SELECT json_agg(to_jsonb(v) ORDER BY v.post_id) FROM votes v WHERE v.user_id = $1),
       'comments', (SELECT json_agg(to_jsonb(c) - 'replies' ORDER BY c.id) FROM comments c WHERE c.author_id = $1)
     ) AS f`,
    [userId],
  );
  return rows[0].f;
}
