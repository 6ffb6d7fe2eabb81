import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import {
  createPostAs,
  expectInvalid,
  expectProblem,
  marker,
  type RegisteredUser,
  registerUser,
  uniqueName,
} from './support/api.js';
import { createTestApp, type TestApp } from './support/app.js';
import { count } from './support/db.js';
import {
  exact,
  getList,
  ids,
  type PostPage,
  type Query,
  totalOf,
  UNCOUNTED,
  walkCursor,
  walkOffset,
} from './support/lists.js';
import { listPosts } from './support/posts.js';
import { POST_KEYS } from './support/shapes.js';
import { follow, vote } from './support/social.js';

/** GET /api/posts: search, tag and author filters, and invalid queries. */
describe('posts', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  describe('GET /api/posts filters', () => {
    it('answers the list envelope of Post items', async () => {
      const author = await registerUser(t);
      const m = marker();
      const a = await createPostAs(t, author, { title: `${m} a`, tags: [`${m}-x`] });
      const b = await createPostAs(t, author, { title: `${m} b` });
      const res = await listPosts(t, { search: m }).expect(200);
      expect(Object.keys(res.body).sort()).toEqual(['data', 'meta']);
      expect(res.body).toEqual({
        data: [b, a],
        // A list with search is not counted.
        meta: { total: null, totalExact: null, limit: 20, offset: 0, nextCursor: null },
      });
      for (const item of (res.body as PostPage).data) {
        expect(Object.keys(item).sort()).toEqual(POST_KEYS);
      }
    });

    it('searches title or content, case-insensitively', async () => {
      const author = await registerUser(t);
      const m = marker();
      const inTitle = await createPostAs(t, author, { title: `On ${m.toUpperCase()} engines` });
      const inContent = await createPostAs(t, author, {
        title: 'Unrelated',
        content: `Some text about ${m} here`,
      });
      await createPostAs(t, author, { title: `${m.slice(0, 7)} ${m.slice(7)}`, content: 'split' });
      for (const search of [m, m.toUpperCase(), ` ${m.slice(0, 5).toUpperCase()}${m.slice(5)} `]) {
        const res = await listPosts(t, { search }).expect(200);
        expect(ids(res.body)).toEqual([inContent.id, inTitle.id]);
        expect(totalOf((res.body as PostPage).meta)).toEqual(UNCOUNTED);
      }
      const titleOnly = await listPosts(t, { search: `on ${m} eng` }).expect(200);
      expect(ids(titleOnly.body)).toEqual([inTitle.id]);
    });

    it("matches '%', '_' and '\\' literally", async () => {
      const author = await registerUser(t);
      const m = marker();
      const percent = await createPostAs(t, author, { title: `${m} 50% off` });
      const underscore = await createPostAs(t, author, { title: `${m} a_b` });
      const backslash = await createPostAs(t, author, { title: `${m} back\\slash` });
      const decoyPercent = await createPostAs(t, author, { title: `${m} 50x off` });
      const decoyUnderscore = await createPostAs(t, author, { title: `${m} axb` });
      const all = await listPosts(t, { search: m, limit: 100 }).expect(200);
      expect((all.body as PostPage).data).toHaveLength(5);
      expect(totalOf((all.body as PostPage).meta)).toEqual(UNCOUNTED);

      const expectations: [string, number[]][] = [
        [`${m} 50%`, [percent.id]],
        [`${m} 50% off`, [percent.id]],
        [`${m} a_b`, [underscore.id]],
        [`${m} back\\`, [backslash.id]],
        [`${m} back\\slash`, [backslash.id]],
        [`${m} 50x`, [decoyPercent.id]],
        [`${m} axb`, [decoyUnderscore.id]],
        [`${m} 5%`, []],
        [`${m} a%`, []],
        [`${m}%`, []],
        [`${m}_`, []],
        [`${m} _`, []],
        [`${m}\\`, []],
        [`${m} back\\\\`, []],
        [`${m} a\\_b`, []],
      ];
      for (const [search, expected] of expectations) {
        const res = await listPosts(t, { search }).expect(200);
        expect({ search, ids: ids(res.body) }).toEqual({ search, ids: expected });
      }
    });

    it('treats injection attempts in search as literal text: 200, no rows, the table intact', async () => {
      const author = await registerUser(t);
      const m = marker();
      const literal = await createPostAs(t, author, {
        title: `${m} it's '; DROP TABLE posts; -- here`,
      });
      const attempts = [
        "'; DROP TABLE posts; --",
        "%' OR '1'='1",
        "' OR 1=1 --",
        '"; DELETE FROM posts; --',
        "x') UNION SELECT * FROM users --",
        '$1',
        ':search',
      ];
      for (const attempt of attempts) {
        const scoped = await listPosts(t, { search: `${m}${attempt}` }).expect(200);
        expect({ attempt, body: scoped.body }).toEqual({
          attempt,
          body: {
            data: [],
            meta: { total: null, totalExact: null, limit: 20, offset: 0, nextCursor: null },
          },
        });
        // Unscoped: whatever matches must contain the text literally.
        const open = await listPosts(t, { search: attempt, limit: 100 }).expect(200);
        for (const post of (open.body as PostPage).data) {
          const text = `${post.title}\n${post.content}`.toLowerCase();
          expect({ attempt, contains: text.includes(attempt.toLowerCase()) }).toEqual({
            attempt,
            contains: true,
          });
        }
      }
      const found = await listPosts(t, { search: `${m} it's '; DROP TABLE posts; --` }).expect(200);
      expect(ids(found.body)).toEqual([literal.id]);
      expect(await count(t, 'posts WHERE id = $1', [literal.id])).toBe(1);
      expect(await count(t, 'users WHERE id = $1', [author.id])).toBe(1);
    });

    it('filters by tag while keeping each post’s full tag list; a repeated tag requires all', async () => {
      const author = await registerUser(t);
      const m = marker();
      const [a, b, c] = [`${m}-a`, `${m}-b`, `${m}-c`];
      const abc = await createPostAs(t, author, { tags: [c, b, a] });
      const ab = await createPostAs(t, author, { tags: [a, b] });
      const onlyA = await createPostAs(t, author, { tags: [a] });
      const onlyC = await createPostAs(t, author, { tags: [c] });

      const byA = await listPosts(t, { tag: a }).expect(200);
      // One tag: its counter answers exactly.
      expect(totalOf((byA.body as PostPage).meta)).toEqual(exact(3));
      expect((byA.body as PostPage).data.map((p) => [p.id, p.tags])).toEqual([
        [onlyA.id, [a]],
        [ab.id, [a, b]],
        [abc.id, [a, b, c]],
      ]);
      const byUpper = await listPosts(t, { tag: ` ${a.toUpperCase()} ` }).expect(200);
      expect(ids(byUpper.body)).toEqual([onlyA.id, ab.id, abc.id]);

      const cases: [string[], number[]][] = [
        [
          [a, b],
          [ab.id, abc.id],
        ],
        [
          [b, a],
          [ab.id, abc.id],
        ],
        [[a, c], [abc.id]],
        [[c, b, a], [abc.id]],
        [[c], [onlyC.id, abc.id]],
        [
          [a, a],
          [onlyA.id, ab.id, abc.id],
        ],
        [[a, `${m}-none`], []],
        [[`${m}-none`], []],
      ];
      // One tag (a repeat is one): its counter; several: counted, exact below 1,000.
      for (const [tag, expected] of cases) {
        const res = await listPosts(t, { tag }).expect(200);
        expect({ tag, ids: ids(res.body), total: totalOf((res.body as PostPage).meta) }).toEqual({
          tag,
          ids: expected,
          total: exact(expected.length),
        });
      }
      const byBC = (await listPosts(t, { tag: [b, c] }).expect(200)).body as PostPage;
      expect(byBC.data[0].tags).toEqual([a, b, c]);
    });

    it('combines search, tag and author', async () => {
      const author = await registerUser(t);
      const other = await registerUser(t);
      const m = marker();
      const tag = `${m}-t`;
      const match = await createPostAs(t, author, { title: `${m} match`, tags: [tag] });
      await createPostAs(t, author, { title: `${m} untagged` });
      const unmarked = await createPostAs(t, author, { title: 'no marker', tags: [tag] });
      await createPostAs(t, other, { title: `${m} match`, tags: [tag] });
      const res = await listPosts(t, { search: `${m} match`, tag, author: author.username }).expect(
        200,
      );
      expect(ids(res.body)).toEqual([match.id]);
      expect(totalOf((res.body as PostPage).meta)).toEqual(UNCOUNTED);
      // Without the search, tag and author are counted: exact below 1,000.
      for (const auth of [undefined, author.auth, other.auth]) {
        const counted = await listPosts(t, { tag, author: author.username }, auth).expect(200);
        expect(ids(counted.body)).toEqual([unmarked.id, match.id]);
        expect(totalOf((counted.body as PostPage).meta)).toEqual(exact(2));
      }
    });

    it('filters by author id or username, case-insensitively; an unknown author gives an empty list', async () => {
      const first = await registerUser(t, { username: uniqueName('AuThor') });
      const second = await registerUser(t);
      const m = marker();
      const p1 = await createPostAs(t, first, { title: `${m} one` });
      const p2 = await createPostAs(t, first, { title: `${m} two` });
      const q = await createPostAs(t, second, { title: `${m} three` });

      expect(ids((await listPosts(t, { search: m }).expect(200)).body)).toEqual([
        q.id,
        p2.id,
        p1.id,
      ]);
      for (const author of [
        String(first.id),
        first.username,
        first.username.toUpperCase(),
        first.username.toLowerCase(),
        ` ${first.username} `,
      ]) {
        const res = await listPosts(t, { search: m, author }).expect(200);
        expect({ author, ids: ids(res.body) }).toEqual({ author, ids: [p2.id, p1.id] });
      }
      expect(
        ids((await listPosts(t, { search: m, author: second.username }).expect(200)).body),
      ).toEqual([q.id]);
      // Without search, anonymously: the author's counter answers exactly.
      for (const author of [String(first.id), first.username.toUpperCase()]) {
        const res = await listPosts(t, { author }).expect(200);
        expect({ author, ids: ids(res.body), total: totalOf((res.body as PostPage).meta) }).toEqual(
          { author, ids: [p2.id, p1.id], total: exact(2) },
        );
      }
      for (const author of [uniqueName('nobody'), '2147483647']) {
        const res = await listPosts(t, { search: m, author }).expect(200);
        expect(res.body).toEqual({
          data: [],
          meta: { total: null, totalExact: null, limit: 20, offset: 0, nextCursor: null },
        });
        for (const auth of [undefined, first.auth]) {
          const counted = await listPosts(t, { author }, auth).expect(200);
          expect(counted.body).toEqual({
            data: [],
            meta: { total: 0, totalExact: true, limit: 20, offset: 0, nextCursor: null },
          });
        }
      }
    });

    it('takes a username that looks like a hexadecimal number as a username, never as an id', async () => {
      const hexLike = `0x${randomBytes(4).toString('hex')}`;
      const user = await registerUser(t, { username: hexLike });
      const m = marker();
      const post = await createPostAs(t, user, { title: `${m} hex` });
      const res = await listPosts(t, { search: m, author: hexLike }).expect(200);
      expect(ids(res.body)).toEqual([post.id]);
    });

    it.each([
      ['an author with a space', { author: 'a b' }, 'author'],
      ['an author of 2 characters', { author: 'ab' }, 'author'],
      ['a negative author id', { author: '-1' }, 'author'],
      ['a decimal author id', { author: '1.5' }, 'author'],
      ['an author id out of int4 range', { author: '99999999999' }, 'author'],
      ['an author id just past int4', { author: '2147483648' }, 'author'],
      ['a zero-padded author id', { author: '007' }, 'author'],
      ['the author id 0', { author: '0' }, 'author'],
      ['an empty author', { author: '' }, 'author'],
      ['a tag with a space', { tag: 'a b' }, 'tag'],
      ['a tag of 31 characters', { tag: 'a'.repeat(31) }, 'tag'],
      ['11 tags', { tag: Array.from({ length: 11 }, (_, i) => `t${i}`) }, 'tag'],
      ['a search over 200 characters', { search: 's'.repeat(201) }, 'search'],
      ['limit 0', { limit: '0' }, 'limit'],
      ['limit 101', { limit: '101' }, 'limit'],
      ['offset -1', { offset: '-1' }, 'offset'],
      ['offset and cursor together', { offset: '0', cursor: 'abc.def' }, 'cursor'],
      ['a garbage cursor', { cursor: 'garbage' }, 'cursor'],
      ['an unknown query parameter', { page: '2' }, 'page'],
      ['an unknown query parameter authorId', { authorId: '1' }, 'authorId'],
      ['a published filter', { published: 'false' }, 'published'],
    ] as [string, Query, string][])('answers 400 (%s)', async (_, query, field) => {
      expectInvalid(await listPosts(t, query), field);
    });

    it('answers 401 for an invalid token even though the route is public', async () => {
      expectProblem(
        await listPosts(t, { search: marker() }, { Authorization: 'Bearer nope' }),
        401,
      );
    });

    it('sets voted per caller in a list', async () => {
      const author = await registerUser(t);
      const voter = await registerUser(t);
      const m = marker();
      const liked = await createPostAs(t, author, { title: `${m} liked` });
      const plain = await createPostAs(t, author, { title: `${m} plain` });
      await vote(t, voter, liked.id);
      const asVoter = (await listPosts(t, { search: m }, voter.auth).expect(200)).body as PostPage;
      expect(asVoter.data.map((p) => [p.id, p.votes, p.voted])).toEqual([
        [plain.id, 0, false],
        [liked.id, 1, true],
      ]);
      const anonymous = (await listPosts(t, { search: m }).expect(200)).body as PostPage;
      expect(anonymous.data.map((p) => [p.id, p.votes, p.voted])).toEqual([
        [plain.id, 0, false],
        [liked.id, 1, false],
      ]);
    });
  });
  describe('GET /api/posts totals', () => {
    it('does not count a search: total and totalExact null, nextCursor says whether more match', async () => {
      const author = await registerUser(t);
      const m = marker();
      const tag = `${m}-t`;
      const created: number[] = [];
      for (let i = 0; i < 3; i += 1) {
        created.push((await createPostAs(t, author, { title: `${m} ${i}`, tags: [tag] })).id);
      }
      const newestFirst = [...created].reverse();

      const first = (await listPosts(t, { search: m, limit: 2 }).expect(200)).body as PostPage;
      expect(ids(first)).toEqual(newestFirst.slice(0, 2));
      expect(first.meta).toEqual({
        total: null,
        totalExact: null,
        limit: 2,
        offset: 0,
        nextCursor: expect.any(String),
      });
      const last = (await listPosts(t, { search: m, limit: 2, offset: 2 }).expect(200))
        .body as PostPage;
      expect(last).toEqual({
        data: [expect.objectContaining({ id: newestFirst[2] })],
        meta: { total: null, totalExact: null, limit: 2, offset: 2, nextCursor: null },
      });
      // As many matches as the limit: no more, so no cursor.
      const whole = (await listPosts(t, { search: m, limit: 3 }).expect(200)).body as PostPage;
      expect(ids(whole)).toEqual(newestFirst);
      expect(whole.meta.nextCursor).toBeNull();
      // The cursor continues the search, uncounted as every cursor page.
      const next = (
        await listPosts(t, { search: m, limit: 2, cursor: first.meta.nextCursor ?? '' }).expect(200)
      ).body as PostPage;
      expect(ids(next)).toEqual(newestFirst.slice(2));
      expect(next.meta).toEqual({
        total: null,
        totalExact: null,
        limit: 2,
        offset: null,
        nextCursor: null,
      });

      // Whatever else filters it, and whoever asks: a search is not counted.
      const searches: [string, Query, RegisteredUser | undefined][] = [
        ['/api/posts', { search: m, tag, limit: 1 }, undefined],
        ['/api/posts', { search: m, author: String(author.id), limit: 1 }, undefined],
        ['/api/posts', { search: m, author: author.username, limit: 1 }, author],
        [`/api/users/${author.id}/posts`, { search: m, limit: 1 }, undefined],
        [`/api/users/${author.id}/posts`, { search: m, limit: 1 }, author],
      ];
      for (const [path, query, caller] of searches) {
        const rows = await walkOffset<{ id: number }>(
          (offset) => getList(t, path, { ...query, offset }, caller?.auth),
          { limit: 1, total: null },
        );
        expect({ path, query, ids: rows.map((p) => p.id) }).toEqual({
          path,
          query,
          ids: newestFirst,
        });
        const byCursor = await walkCursor<{ id: number }>(
          (cursor) =>
            getList(t, path, cursor === null ? query : { ...query, cursor }, caller?.auth),
          { limit: 1, total: null },
        );
        expect(byCursor.map((p) => p.id)).toEqual(newestFirst);
      }
    });

    it('counts lists no counter answers up to 1,000 (1000, totalExact false past it); counters answer exactly', async () => {
      const author = await registerUser(t);
      const reader = await registerUser(t);
      await follow(t, reader, author);
      const m = marker();
      const [a, b] = [`${m}-a`, `${m}-b`];
      await t.db.query('INSERT INTO tags (name) VALUES ($1), ($2)', [a, b]);
      /** `n` posts of the author carrying both tags, straight into the tables. */
      const bulk = async (n: number, published: boolean): Promise<void> => {
        const rows: { id: number }[] = await t.db.query(
          `INSERT INTO posts (author_id, title, content, published)
           SELECT $1, $2 || ' bulk ' || i, 'Bulk content', $4 FROM generate_series(1, $3) AS i
           RETURNING id`,
          [author.id, m, n, published],
        );
        await t.db.query(
          `INSERT INTO post_tags (post_id, tag_id)
           SELECT p, tg.id FROM unnest($1::int[]) AS p CROSS JOIN tags tg WHERE tg.name = ANY($2)`,
          [rows.map((r) => r.id), [a, b]],
        );
      };
      const meta = async (path: string, query: Query, caller?: RegisteredUser) => {
        const res = await getList(t, path, query, caller?.auth).expect(200);
        const page = res.body as PostPage;
        return { path, query, rows: page.data.length, meta: page.meta };
      };
      const expectMeta = async (
        path: string,
        query: Query,
        caller: RegisteredUser | undefined,
        want: { rows: number; total: number; totalExact: boolean; more: boolean },
      ) => {
        expect(await meta(path, query, caller)).toEqual({
          path,
          query,
          rows: want.rows,
          meta: {
            total: want.total,
            totalExact: want.totalExact,
            limit: typeof query.limit === 'number' ? query.limit : 20,
            offset: typeof query.offset === 'number' ? query.offset : 0,
            nextCursor: want.more ? expect.any(String) : null,
          },
        });
      };
      const both = { tag: [a, b] };
      try {
        // 999 matches: counted exactly.
        await bulk(999, true);
        await expectMeta('/api/posts', both, undefined, {
          rows: 20,
          total: 999,
          totalExact: true,
          more: true,
        });
        await expectMeta('/api/posts', { author: String(author.id) }, author, {
          rows: 20,
          total: 999,
          totalExact: true,
          more: true,
        });

        // 1,001 published and a draft.
        await bulk(2, true);
        await bulk(1, false);
        // Several tags: counted up to 1,000, even when the page goes past it.
        await expectMeta('/api/posts', both, undefined, {
          rows: 20,
          total: 1000,
          totalExact: false,
          more: true,
        });
        await expectMeta('/api/posts', { ...both, offset: 990 }, reader, {
          rows: 11,
          total: 1000,
          totalExact: false,
          more: false,
        });
        // One tag, or the author's published posts anonymously: their counters, exact.
        for (const caller of [undefined, author, reader]) {
          await expectMeta('/api/posts', { tag: a }, caller, {
            rows: 20,
            total: 1001,
            totalExact: true,
            more: true,
          });
        }
        for (const query of [{ author: String(author.id) }, { author: author.username }]) {
          await expectMeta('/api/posts', query, undefined, {
            rows: 20,
            total: 1001,
            totalExact: true,
            more: true,
          });
        }
        await expectMeta(`/api/users/${author.id}/posts`, {}, undefined, {
          rows: 20,
          total: 1001,
          totalExact: true,
          more: true,
        });
        // Another signed-in user sees the published posts alone: the counter, exact.
        // The author's own list has the draft too: counted up to 1,000 (so is a list
        // by username, which may be the caller's own).
        for (const [caller, total, totalExact] of [
          [reader, 1001, true],
          [author, 1000, false],
        ] as const) {
          await expectMeta('/api/posts', { author: String(author.id) }, caller, {
            rows: 20,
            total,
            totalExact,
            more: true,
          });
          await expectMeta(`/api/users/${author.id}/posts`, {}, caller, {
            rows: 20,
            total,
            totalExact,
            more: true,
          });
        }
        await expectMeta('/api/posts', { author: author.username }, reader, {
          rows: 20,
          total: 1000,
          totalExact: false,
          more: true,
        });
        // The feed has no counter: counted up to 1,000.
        const feed = (await getList(t, '/api/feed', {}, reader.auth).expect(200)).body as PostPage;
        expect(totalOf(feed.meta)).toEqual({ total: 1000, totalExact: false });
        expect(feed.meta.nextCursor).toEqual(expect.any(String));
        // All published posts: the global counter, exact however many.
        const all = (await listPosts(t, { limit: 1 }).expect(200)).body as PostPage;
        expect(all.meta.totalExact).toBe(true);
        expect(all.meta.total).toBeGreaterThanOrEqual(1001);
        // A cursor page and a search: not counted.
        const cursor = (await listPosts(t, both).expect(200)).body as PostPage;
        const next = (
          await listPosts(t, { ...both, cursor: cursor.meta.nextCursor ?? '' }).expect(200)
        ).body as PostPage;
        expect(next.data).toHaveLength(20);
        expect(next.meta).toEqual({
          ...UNCOUNTED,
          limit: 20,
          offset: null,
          nextCursor: expect.any(String),
        });
        const searched = (await listPosts(t, { search: `${m} bulk` }).expect(200)).body as PostPage;
        expect(searched.data).toHaveLength(20);
        expect(searched.meta).toEqual({
          ...UNCOUNTED,
          limit: 20,
          offset: 0,
          nextCursor: expect.any(String),
        });
        // The counters behind the exact totals.
        expect((await t.http().get(`/api/tags/${a}`).expect(200)).body).toEqual({
          name: a,
          posts: 1001,
        });
        const user = await t.http().get(`/api/users/${author.id}`).expect(200);
        expect(user.body.counts.posts).toBe(1001);
      } finally {
        await t.db.query('DELETE FROM posts WHERE author_id = $1', [author.id]);
        await t.db.query('DELETE FROM tags WHERE name = ANY($1)', [[a, b]]);
      }
    });
  });
});
