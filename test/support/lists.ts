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
 * What `meta.total` and `meta.totalExact` say together: an exact count, or
 * none (cursor mode, a list with `search`). A count capped at 1,000 is
 * `{ total: 1000, totalExact: false }`.
 */
export type Total = { total: number; totalExact: boolean } | { total: null; totalExact: null };

/** `total` matches, counted exactly (`totalExact: true`). */
export const exact = (total: number): Total => ({ total, totalExact: true });

/** Not counted: cursor mode, or a list with `search`. */
export const UNCOUNTED: Total = { total: null, totalExact: null };

/**
 * Follows a list's `nextCursor` from its first page to its last, through
 * `fetch(cursor)` (null for the first page). Every page is a 200 with `limit`
 * and at least one row; the first (offset mode) has offset 0 and `total`
 * (a number: that exact total; null: uncounted, as a list with `search`), later
 * ones (cursor mode) null for total, totalExact and offset; the walk ends
 * within `maxPages`. Returns every row, in order.
 */
export async function walkCursor<Row>(
  fetch: (cursor: string | null) => PromiseLike<{ status: number; body: unknown }>,
  { limit, total, maxPages = 200 }: { limit: number; total: number | null; maxPages?: number },
): Promise<Row[]> {
  const rows: Row[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < maxPages; page += 1) {
    const res = await fetch(cursor);
    expect(res.status).toBe(200);
    const body = res.body as Page<Row>;
    expect(body.meta.limit).toBe(limit);
    if (cursor === null) {
      expect(totalOf(body.meta)).toEqual(total === null ? UNCOUNTED : exact(total));
      expect(body.meta.offset).toBe(0);
    } else {
      expect(totalOf(body.meta)).toEqual(UNCOUNTED);
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

/**
 * Walks a list in offset mode, `limit` rows a page, until `nextCursor` is null
 * (within `maxPages`). Every page is a 200 with `limit`, its offset and the
 * same `total` (a number: that exact total; null: uncounted); every page but
 * the last is full and has a `nextCursor`. Returns every row, in order.
 */
export async function walkOffset<Row>(
  fetch: (offset: number) => PromiseLike<{ status: number; body: unknown }>,
  { limit, total, maxPages = 200 }: { limit: number; total: number | null; maxPages?: number },
): Promise<Row[]> {
  const rows: Row[] = [];
  let done = false;
  for (let page = 0; page < maxPages && !done; page += 1) {
    const offset = page * limit;
    const res = await fetch(offset);
    expect(res.status).toBe(200);
    const body = res.body as Page<Row>;
    expect(totalOf(body.meta)).toEqual(total === null ? UNCOUNTED : exact(total));
    expect(body.meta.limit).toBe(limit);
    expect(body.meta.offset).toBe(offset);
    rows.push(...body.data);
    done = body.meta.nextCursor === null;
    if (!done) expect(body.data).toHaveLength(limit);
  }
  expect(done).toBe(true);
  return rows;
}

/** `meta.total` and `meta.totalExact` of a list's meta. */
export function totalOf(meta: Schemas['PageMeta']): Total {
  return { total: meta.total, totalExact: meta.totalExact } as Total;
}
