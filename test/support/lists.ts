import type { Auth, Schemas } from './api.js';
import type { TestApp } from './app.js';

/** Query parameters; an array repeats its key (`tag=a&tag=b`). */
export type Query = Record<string, string | number | string[]>;

/** The envelope every paged list answers. */
export interface Page<T> {
  data: T[];
  meta: Schemas['PageMeta'];
}

/** A page of Posts: GET /api/posts, /api/users/:id/posts, /api/feed. */
export type PostPage = Page<Schemas['PostResponse']>;

/** Query strings with repeated keys for arrays (`tag=a&tag=b`). */
export function queryString(query: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    for (const item of Array.isArray(value) ? value : [value]) params.append(key, String(item));
  }
  return params.toString();
}

/** GET `path` with `query` (see queryString), as `auth` when given. */
export function getList(t: TestApp, path: string, query: Query = {}, auth?: Auth) {
  const qs = queryString(query);
  const req = t.http().get(qs ? `${path}?${qs}` : path);
  return auth ? req.set(auth) : req;
}

/** The ids of a list response's items, in order. */
export const ids = (body: unknown): number[] =>
  (body as Page<{ id: number }>).data.map((item) => item.id);
