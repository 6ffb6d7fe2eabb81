import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import {
  createPostAs,
  expectInvalid,
  expectProblem,
  marker,
  registerUser,
  uniqueName,
} from './support/api.js';
import { createTestApp, type TestApp } from './support/app.js';
import { count } from './support/db.js';
import { ids, type PostPage, type Query } from './support/lists.js';
import { listPosts } from './support/posts.js';
import { POST_KEYS } from './support/shapes.js';
import { vote } from './support/social.js';

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
        meta: { total: 2, limit: 20, offset: 0, nextCursor: null },
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
        expect(res.body.meta.total).toBe(2);
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
      expect(all.body.meta.total).toBe(5);

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
          body: { data: [], meta: { total: 0, limit: 20, offset: 0, nextCursor: null } },
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
      expect(byA.body.meta.total).toBe(3);
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
      for (const [tag, expected] of cases) {
        const res = await listPosts(t, { tag }).expect(200);
        expect({ tag, ids: ids(res.body), total: res.body.meta.total }).toEqual({
          tag,
          ids: expected,
          total: expected.length,
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
      await createPostAs(t, author, { title: 'no marker', tags: [tag] });
      await createPostAs(t, other, { title: `${m} match`, tags: [tag] });
      const res = await listPosts(t, { search: `${m} match`, tag, author: author.username }).expect(
        200,
      );
      expect(ids(res.body)).toEqual([match.id]);
      expect(res.body.meta.total).toBe(1);
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
      for (const author of [uniqueName('nobody'), '2147483647']) {
        const res = await listPosts(t, { search: m, author }).expect(200);
        expect(res.body).toEqual({
          data: [],
          meta: { total: 0, limit: 20, offset: 0, nextCursor: null },
        });
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
});
