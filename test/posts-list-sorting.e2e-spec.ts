import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  type Auth,
  createPostAs,
  expectInvalid,
  flipAt,
  marker,
  type RegisteredUser,
  registerUser,
  type Schemas,
} from './support/api.js';
import { createTestApp, type TestApp } from './support/app.js';
import { count } from './support/db.js';
import {
  getList,
  ids,
  type PostPage,
  type Query,
  totalOf,
  UNCOUNTED,
  walkCursor as walkPages,
  walkOffset as walkOffsetPages,
} from './support/lists.js';
import { listPosts } from './support/posts.js';
import { vote } from './support/social.js';

/** GET /api/posts (and an author's list): sorting, offset and cursor paging, cursors refused. */
describe('posts', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  describe('GET /api/posts sorting and paging', () => {
    // Created in this order: [title word, votes]. Two titles tie case-insensitively,
    // and vote counts tie in threes and twos.
    const seeds: [string, number][] = [
      ['delta', 2],
      ['Alpha', 0],
      ['echo', 3],
      ['charlie', 2],
      ['bravo', 0],
      ['Golf', 1],
      ['foxtrot', 2],
      ['alpha', 3],
    ];
    let m: string;
    let author: RegisteredUser;
    let posts: { id: number; word: string; votes: number }[];

    beforeAll(async () => {
      m = marker();
      author = await registerUser(t);
      const voters = [await registerUser(t), await registerUser(t), await registerUser(t)];
      posts = [];
      for (const [word, votes] of seeds) {
        const post = await createPostAs(t, author, {
          title: `${m} ${word}`,
          tags: [`${m}-all`, `${m}-${word.toLowerCase()}`],
        });
        for (const voter of voters.slice(0, votes)) await vote(t, voter, post.id);
        posts.push({ id: post.id, word: word.toLowerCase(), votes });
      }
      // A draft in the scope: never in these lists.
      await createPostAs(t, author, { title: `${m} zulu draft`, published: false });
    });

    type Row = { id: number; word: string; votes: number };
    const cmp = (a: number | string, b: number | string) => (a < b ? -1 : a > b ? 1 : 0);
    const order = (...keys: ((a: Row, b: Row) => number)[]) =>
      [...posts].sort((a, b) => keys.reduce((r, k) => r || k(a, b), 0)).map((p) => p.id);
    const byId = (a: Row, b: Row) => a.id - b.id;
    const byIdDesc = (a: Row, b: Row) => b.id - a.id;
    const byVotes = (a: Row, b: Row) => a.votes - b.votes;
    const byVotesDesc = (a: Row, b: Row) => b.votes - a.votes;
    const byTitle = (a: Row, b: Row) => cmp(a.word, b.word);
    const byTitleDesc = (a: Row, b: Row) => cmp(b.word, a.word);

    const sorts: [string, () => number[]][] = [
      ['createdAt', () => order(byId)],
      ['-createdAt', () => order(byIdDesc)],
      ['votes', () => order(byVotes, byId)],
      ['-votes', () => order(byVotesDesc, byIdDesc)],
      ['title', () => order(byTitle, byId)],
      ['-title', () => order(byTitleDesc, byIdDesc)],
      ['comments', () => order(byId)],
      ['-comments', () => order(byIdDesc)],
      ['-votes,title', () => order(byVotesDesc, byTitle, byId)],
      ['votes,-title', () => order(byVotes, byTitleDesc, byIdDesc)],
      ['-votes,-createdAt', () => order(byVotesDesc, byIdDesc)],
      ['votes,createdAt', () => order(byVotes, byId)],
      ['title,-votes', () => order(byTitle, byVotesDesc, byIdDesc)],
      ['-comments,votes,title', () => order(byVotes, byTitle, byId)],
    ];

    /**
     * The offset walk over the seeds: with `search` uncounted (total null, it
     * ends on nextCursor null), else counted exactly on every page.
     */
    async function walkOffset(
      path: string,
      query: Query,
      limit: number,
      auth?: Auth,
    ): Promise<number[]> {
      const rows = await walkOffsetPages<{ id: number }>(
        (offset) => getList(t, path, { ...query, limit, offset }, auth),
        { limit, total: query.search === undefined ? seeds.length : null, maxPages: 100 },
      );
      expect(rows).toHaveLength(seeds.length);
      return rows.map((p) => p.id);
    }

    async function walkCursor(
      path: string,
      query: Query,
      limit: number,
      auth?: Auth,
    ): Promise<number[]> {
      const rows = await walkPages<{ id: number }>(
        (cursor) =>
          getList(t, path, { ...query, limit, ...(cursor === null ? {} : { cursor }) }, auth),
        { limit, total: query.search === undefined ? seeds.length : null, maxPages: 100 },
      );
      return rows.map((p) => p.id);
    }

    it('returns the expected votes and tags on each item', async () => {
      const body = (await listPosts(t, { search: m, sort: 'createdAt' }).expect(200))
        .body as PostPage;
      expect(body.data.map((p) => [p.id, p.votes, p.tags])).toEqual(
        posts.map((p) => [p.id, p.votes, [`${m}-all`, `${m}-${p.word}`].sort()]),
      );
    });

    it('sorts by -createdAt by default', async () => {
      const res = await listPosts(t, { search: m }).expect(200);
      expect(ids(res.body)).toEqual(order(byIdDesc));
      expect(totalOf((res.body as PostPage).meta)).toEqual(UNCOUNTED);
    });

    it.each(sorts)(
      'sort=%s: the offset walk and the cursor walk give the same complete order, without duplicates',
      async (sort, expected) => {
        const offsetIds = await walkOffset('/api/posts', { search: m, sort }, 2);
        const cursorIds = await walkCursor('/api/posts', { search: m, sort }, 2);
        expect(offsetIds).toEqual(expected());
        expect(cursorIds).toEqual(expected());
        expect(new Set(cursorIds).size).toBe(seeds.length);
        const single = await listPosts(t, { search: m, sort, limit: 100 }).expect(200);
        expect(ids(single.body)).toEqual(expected());
      },
    );

    it('walks the same way with limit 3, by tag (its counter: an exact total) and authenticated', async () => {
      const query = { tag: `${m}-all`, sort: '-votes' };
      const expected = order(byVotesDesc, byIdDesc);
      expect(await walkCursor('/api/posts', query, 3, author.auth)).toEqual(expected);
      expect(await walkOffset('/api/posts', query, 3, author.auth)).toEqual(expected);
    });

    it('walks an author’s list (anonymously: without the draft) with offset and cursor alike', async () => {
      const path = `/api/users/${author.id}/posts`;
      for (const sort of ['-votes', 'title', 'createdAt']) {
        const expected = sorts.find(([s]) => s === sort)?.[1]() ?? [];
        // The author's counter of published posts: an exact total without the draft.
        expect(await walkOffset(path, { sort }, 2)).toEqual(expected);
        expect(await walkCursor(path, { sort }, 2)).toEqual(expected);
        // With search: not counted.
        expect(await walkOffset(path, { search: m, sort }, 2)).toEqual(expected);
        expect(await walkCursor(path, { search: m, sort }, 2)).toEqual(expected);
      }
    });

    it('accepts the cursor it issues after the longest title (200 control characters, 6 bytes each in JSON)', async () => {
      const author = await registerUser(t);
      const titles = ['\u0001'.repeat(200), `${'\u0001'.repeat(199)}b`, 'zz'];
      for (const title of titles) await createPostAs(t, author, { title });
      const seen: string[] = [];
      const cursors: string[] = [];
      let cursor: string | undefined;
      do {
        const res = await t
          .http()
          .get('/api/posts')
          .query({
            author: author.username,
            sort: 'title',
            limit: 1,
            ...(cursor ? { cursor } : {}),
          })
          .expect(200);
        const page = res.body as { data: { title: string }[]; meta: { nextCursor: string | null } };
        seen.push(...page.data.map((p) => p.title));
        cursor = page.meta.nextCursor ?? undefined;
        if (cursor) cursors.push(cursor);
      } while (cursor && seen.length < 5);
      expect(seen).toEqual(titles);
      // Longer than the 1,024 characters `cursor` used to be capped at, which refused it.
      expect(Math.max(...cursors.map((c) => c.length))).toBeGreaterThan(1024);
    });

    it('answers an empty last page past the end', async () => {
      const res = await listPosts(t, { search: m, offset: seeds.length }).expect(200);
      expect(res.body).toEqual({
        data: [],
        meta: {
          total: null,
          totalExact: null,
          limit: 20,
          offset: seeds.length,
          nextCursor: null,
        },
      });
    });

    it.each([
      'unknown',
      'id',
      'created_at',
      'author',
      'title;DROP TABLE posts',
      'title; DROP TABLE posts; --',
      '(select 1)',
      'lower(title)',
      'title DESC',
      'votes,votes',
      'title,-title',
      'title,',
      '-',
      '--title',
      '+title',
      '1',
      'constructor',
      '__proto__',
    ])('answers 400 (sort) for sort=%p, and the table is intact', async (sort) => {
      expectInvalid(await listPosts(t, { search: m, sort }), 'sort');
      expect(await count(t, 'posts WHERE id = ANY($1)', [posts.map((p) => p.id)])).toBe(
        seeds.length,
      );
    });

    it('refuses a tampered cursor, a cursor issued for another sort or list, and offset with cursor', async () => {
      const first = (await listPosts(t, { search: m, sort: '-votes', limit: 2 }).expect(200))
        .body as PostPage;
      const cursor = first.meta.nextCursor ?? '';
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
      const [payload, signature] = cursor.split('.');

      const ok = await listPosts(t, { search: m, sort: '-votes', limit: 2, cursor }).expect(200);
      expect(ids(ok.body)).toEqual(order(byVotesDesc, byIdDesc).slice(2, 4));

      const forged = Buffer.from(JSON.stringify(['posts:-votes,-id', '99', '1'])).toString(
        'base64url',
      );
      for (const bad of [
        `${flipAt(payload, 2)}.${signature}`,
        `${flipAt(payload, -1)}.${signature}`,
        `${payload}.${flipAt(signature, 0)}`,
        `${payload}.${flipAt(signature, -1)}`,
        `${payload}.`,
        `.${signature}`,
        payload,
        `${cursor}.x`,
        `${forged}.${signature}`,
      ]) {
        expectInvalid(
          await listPosts(t, { search: m, sort: '-votes', limit: 2, cursor: bad }),
          'cursor',
        );
      }
      for (const sort of ['votes', '-createdAt', 'title', '-votes,title', '-comments']) {
        expectInvalid(await listPosts(t, { search: m, sort, limit: 2, cursor }), 'cursor');
      }
      // No sort means the default -createdAt, not the order the cursor was issued for.
      expectInvalid(await listPosts(t, { search: m, limit: 2, cursor }), 'cursor');
      expectInvalid(await listPosts(t, { search: m, sort: '-votes', offset: 2, cursor }), 'cursor');
      expectInvalid(await listPosts(t, { search: m, sort: '-votes', offset: 0, cursor }), 'cursor');
      // A users-list cursor is not a posts-list cursor, even under a shared sort name.
      const users = await getList(t, '/api/users', { sort: 'createdAt', limit: 1 }).expect(200);
      const userCursor = (users.body as { meta: Schemas['PageMeta'] }).meta.nextCursor;
      expect(userCursor).toEqual(expect.any(String));
      expectInvalid(
        await listPosts(t, { search: m, sort: 'createdAt', cursor: userCursor ?? '' }),
        'cursor',
      );
      // The posts list and a user's posts list share cursors only for the same order.
      const authorCursor = (
        await getList(t, `/api/users/${author.id}/posts`, { sort: '-votes', limit: 2 }).expect(200)
      ).body.meta.nextCursor as string;
      expectInvalid(
        await listPosts(t, { search: m, sort: 'votes', cursor: authorCursor }),
        'cursor',
      );
    });
  });
});
