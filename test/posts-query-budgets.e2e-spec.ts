import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  createPostAs,
  marker,
  type RegisteredUser,
  registerUser,
  type Schemas,
} from './support/api.js';
import { createTestApp, type TestApp } from './support/app.js';
import { exact, getList, type PostPage, type Query, totalOf, UNCOUNTED } from './support/lists.js';
import { listPosts } from './support/posts.js';
import { setDisplayName, vote } from './support/social.js';

/** How many SQL statements the posts endpoints run, whatever the page size. */
describe('posts', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  describe('query budgets', () => {
    let m: string;
    let author: RegisteredUser;
    let viewer: RegisteredUser;
    let firstId: number;

    beforeAll(async () => {
      m = marker();
      author = await registerUser(t);
      viewer = await registerUser(t);
      const voters = [viewer, await registerUser(t)];
      await setDisplayName(t, author, 'Counted Author');
      for (let i = 0; i < 12; i += 1) {
        const post = await createPostAs(t, author, {
          title: `${m} ${i}`,
          tags: [`${m}-all`, `${m}-${i % 3}`],
        });
        firstId ??= post.id;
        for (const voter of voters.slice(0, i % 3)) await vote(t, voter, post.id);
      }
    });

    it('GET /api/posts (authenticated, offset paging) runs the same ≤ 3 statements for 1 or 50 posts', async () => {
      let small: PostPage | undefined;
      let large: PostPage | undefined;
      const one = await t.countQueries(async () => {
        small = (await listPosts(t, { search: m, limit: 1 }, viewer.auth).expect(200))
          .body as PostPage;
      });
      const fifty = await t.countQueries(async () => {
        large = (await listPosts(t, { search: m, limit: 50 }, viewer.auth).expect(200))
          .body as PostPage;
      });
      expect(small?.data).toHaveLength(1);
      expect(large?.data).toHaveLength(12);
      // A search is not counted.
      expect(large && totalOf(large.meta)).toEqual(UNCOUNTED);
      expect(large?.data.every((p) => p.tags.length === 2)).toBe(true);
      expect(large?.data.filter((p) => p.voted)).toHaveLength(8);
      expect(large?.data.reduce((sum, p) => sum + p.votes, 0)).toBe(12);
      expect(large?.data.every((p) => p.author.displayName === 'Counted Author')).toBe(true);
      expect(one).toBeGreaterThan(0);
      expect(fifty).toBe(one);
      expect(fifty).toBeLessThanOrEqual(3);

      // Lists that are counted (up to 1,000: the author's list for a signed-in
      // caller, several tags) or read a counter (one tag, the author's list
      // anonymously) stay within the same budget, whatever the page size.
      const counted: [Query, boolean, number][] = [
        [{ author: author.username }, true, 12],
        [{ author: String(author.id) }, false, 12],
        [{ tag: [`${m}-all`, `${m}-1`] }, true, 4],
        [{ tag: `${m}-all` }, true, 12],
      ];
      for (const [query, signedIn, expected] of counted) {
        const auth = signedIn ? viewer.auth : undefined;
        const sizes: number[] = [];
        for (const limit of [1, 50]) {
          let page: PostPage | undefined;
          sizes.push(
            await t.countQueries(async () => {
              page = (await listPosts(t, { ...query, limit }, auth).expect(200)).body as PostPage;
            }),
          );
          expect({ query, limit, total: page && totalOf(page.meta) }).toEqual({
            query,
            limit,
            total: exact(expected),
          });
        }
        expect({ query, sizes }).toEqual({ query, sizes: [sizes[0], sizes[0]] });
        expect(sizes[0]).toBeLessThanOrEqual(3);
      }

      const byTag = await t.countQueries(() =>
        listPosts(
          t,
          { tag: [`${m}-all`, `${m}-1`], sort: '-votes,title', limit: 50 },
          viewer.auth,
        ).expect(200),
      );
      expect(byTag).toBeLessThanOrEqual(3);

      // A tag filter resolves the tags' ids first: still 3 statements with a
      // cursor (token, tags, page) and the same rows as offset paging.
      const firstByTag = (await listPosts(t, { tag: `${m}-1`, limit: 2 }, viewer.auth).expect(200))
        .body as PostPage;
      let nextByTag: PostPage | undefined;
      const tagCursorCount = await t.countQueries(async () => {
        nextByTag = (
          await listPosts(
            t,
            { tag: `${m}-1`, limit: 50, cursor: firstByTag.meta.nextCursor ?? '' },
            viewer.auth,
          ).expect(200)
        ).body as PostPage;
      });
      const allByTag = (await listPosts(t, { tag: `${m}-1`, limit: 50 }, viewer.auth).expect(200))
        .body as PostPage;
      expect(totalOf(allByTag.meta)).toEqual(exact(4));
      expect([...firstByTag.data, ...(nextByTag?.data ?? [])].map((p) => p.id)).toEqual(
        allByTag.data.map((p) => p.id),
      );
      expect(nextByTag && totalOf(nextByTag.meta)).toEqual(UNCOUNTED);
      expect(tagCursorCount).toBeGreaterThan(0);
      expect(tagCursorCount).toBeLessThanOrEqual(3);

      let cursorPage: PostPage | undefined;
      const cursorCount = await t.countQueries(async () => {
        cursorPage = (
          await listPosts(
            t,
            { search: m, limit: 50, cursor: small?.meta.nextCursor ?? '' },
            viewer.auth,
          ).expect(200)
        ).body as PostPage;
      });
      expect(cursorPage?.data).toHaveLength(11);
      expect(cursorCount).toBeGreaterThan(0);
      expect(cursorCount).toBeLessThanOrEqual(3);
    });

    it('reads the total with the page, in one statement; alone only for an empty page past the first', async () => {
      const measure = async (query: Query, auth?: RegisteredUser['auth']) => {
        let page: PostPage | undefined;
        const n = await t.countQueries(async () => {
          page = (await listPosts(t, query, auth).expect(200)).body as PostPage;
        });
        if (!page) throw new Error('no page');
        return { n, rows: page.data.length, total: totalOf(page.meta) };
      };
      const byId = String(author.id);
      // A counter (the author's published posts), anonymously.
      expect(await measure({ author: byId, limit: 5 })).toEqual({
        n: 1,
        rows: 5,
        total: exact(12),
      });
      expect(await measure({ author: byId, offset: 50 })).toEqual({
        n: 2,
        rows: 0,
        total: exact(12),
      });
      // A capped count (the author's own list, drafts included): the token
      // check, then the page with its count; the count alone past the end.
      const own = { author: byId, limit: 5 };
      expect(await measure(own, author.auth)).toEqual({ n: 2, rows: 5, total: exact(12) });
      expect(await measure({ ...own, offset: 40 }, author.auth)).toEqual({
        n: 3,
        rows: 0,
        total: exact(12),
      });
      // An empty first page is 0 without asking.
      const nobody = await registerUser(t);
      expect(await measure({ author: String(nobody.id) })).toEqual({
        n: 1,
        rows: 0,
        total: exact(0),
      });
    });

    it('GET /api/posts/:id (authenticated) runs at most 2 statements', async () => {
      let body: Schemas['PostResponse'] | undefined;
      const n = await t.countQueries(async () => {
        body = (await t.http().get(`/api/posts/${firstId}`).set(viewer.auth).expect(200))
          .body as Schemas['PostResponse'];
      });
      expect(body?.id).toBe(firstId);
      expect(n).toBeGreaterThan(0);
      expect(n).toBeLessThanOrEqual(2);
    });

    it('GET /api/users/:id/posts (non-empty page) runs at most 3 statements', async () => {
      let body: PostPage | undefined;
      const n = await t.countQueries(async () => {
        body = (
          await getList(t, `/api/users/${author.id}/posts`, { limit: 50 }, viewer.auth).expect(200)
        ).body as PostPage;
      });
      expect(body?.data).toHaveLength(12);
      expect(body && totalOf(body.meta)).toEqual(exact(12));
      expect(n).toBeGreaterThan(0);
      expect(n).toBeLessThanOrEqual(3);
    });
  });
});
