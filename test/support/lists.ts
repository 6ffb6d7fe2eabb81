import { expect } from '@jest/globals';
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

/**
 * Follows a list's `nextCursor` from its first page to its last, through
 * `fetch(cursor)` (null for the first page). Every page is a 200 with `limit`
 * and at least one row; the first (offset mode) has offset 0 and `total`
 * (that number when given, else any number), later ones (cursor mode) null
 * for both; the walk ends within `maxPages`. Returns every row, in order.
 */
export async function walkCursor<Row>(
  fetch: (cursor: string | null) => PromiseLike<{ status: number; body: unknown }>,
  { limit, total, maxPages = 200 }: { limit: number; total?: number; maxPages?: number },
): Promise<Row[]> {
  const rows: Row[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < maxPages; page += 1) {
    const res = await fetch(cursor);
    expect(res.status).toBe(200);
    const body = res.body as Page<Row>;
    expect(body.meta.limit).toBe(limit);
    if (cursor === null) {
      expect(body.meta.total).toEqual(total ?? expect.any(Number));
      expect(body.meta.offset).toBe(0);
    } else {
      expect(body.meta.total).toBeNull();
      expect(body.meta.offset).toBeNull();
    }
    expect(body.data.length).toBeGreaterThan(0);
    rows.push(...body.data);
    cursor = body.meta.nextCursor;
    if (cursor === null) break;
  }
  expect(cursor).toBeNull();
  return rows;
}
