import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  type Auth,
  createPostAs,
  expectInvalid,
  expectProblem,
  flipAt,
  marker,
  type RegisteredUser,
  registerUser,
} from './support/api.js';
import { createTestApp, type TestApp } from './support/app.js';
import {
  exact,
  ids,
  type PostPage,
  type Query,
  totalOf,
  walkCursor as walkPages,
  walkOffset as walkOffsetPages,
} from './support/lists.js';
import { POST_KEYS, SUMMARY_KEYS } from './support/shapes.js';
import { follow, vote } from './support/social.js';

describe('feed', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  async function unfollow(follower: RegisteredUser, followee: RegisteredUser): Promise<void> {
    await t.http().delete(`/api/users/${followee.id}/follow`).set(follower.auth).expect(204);
  }

  function feed(query: Query, auth?: Auth) {
    const req = t.http().get('/api/feed').query(query);
    return auth ? req.set(auth) : req;
  }

  /** The posts as the reader sees them one by one, in the given order. */
  async function viewsOf(postIds: number[], auth: Auth): Promise<unknown[]> {
    const views: unknown[] = [];
    for (const id of postIds) {
      views.push((await t.http().get(`/api/posts/${id}`).set(auth).expect(200)).body);
    }
    return views;
  }

  /** The offset walk: every page counts `total` exactly (a capped count below 1,000). */
  async function walkOffset(
    query: Query,
    limit: number,
    auth: Auth,
    total: number,
  ): Promise<number[]> {
    const rows = await walkOffsetPages<{ id: number }>(
      (offset) => feed({ ...query, limit, offset }, auth),
      { limit, total },
    );
    expect(rows).toHaveLength(total);
    return rows.map((p) => p.id);
  }

  async function walkCursor(
    query: Query,
    limit: number,
    auth: Auth,
    total: number,
  ): Promise<number[]> {
    const rows = await walkPages<{ id: number }>(
      (cursor) => feed({ ...query, limit, ...(cursor === null ? {} : { cursor }) }, auth),
      { limit, total },
    );
    return rows.map((p) => p.id);
  }

  describe('GET /api/feed', () => {
    it('answers 401 with WWW-Authenticate without a token or with a bad one', async () => {
      const anonymous = await feed({});
      expectProblem(anonymous, 401);
      expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer/);
      const bad = await feed({}, { Authorization: 'Bearer not.a.jwt' });
      expectProblem(bad, 401);
      expect(bad.headers['www-authenticate']).toMatch(/^Bearer/);
    });

    it('answers 401 for the token of a deleted user', async () => {
      const gone = await registerUser(t);
      await t.http().delete('/api/users/me').set(gone.auth).expect(204);
      expectProblem(await feed({}, gone.auth), 401);
    });

    it("lists only the followees' published posts, newest first, in the Post shape of GET /api/posts", async () => {
      const reader = await registerUser(t);
      const [ada, bob] = [await registerUser(t), await registerUser(t)];
      const stranger = await registerUser(t);
      const fan = await registerUser(t);
      await t
        .http()
        .put('/api/users/me/profile')
        .set(ada.auth)
        .send({ displayName: 'Ada' })
        .expect(201);
      await follow(t, reader, ada);
      await follow(t, reader, bob);
      // Follows in the other direction, or of someone else, do not feed the reader.
      await follow(t, fan, reader);
      await follow(t, ada, stranger);

      const m = marker();
      const a1 = await createPostAs(t, ada, { title: `${m} a1`, tags: [`${m}-x`, `${m}-a`] });
      await createPostAs(t, stranger, { title: `${m} stranger` });
      const b1 = await createPostAs(t, bob, { title: `${m} b1` });
      await createPostAs(t, ada, { title: `${m} ada draft`, published: false });
      await createPostAs(t, reader, { title: `${m} own` });
      await createPostAs(t, fan, { title: `${m} fan` });
      const a2 = await createPostAs(t, ada, { title: `${m} a2` });

      const res = await feed({}, reader.auth).expect(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      const body = res.body as PostPage;
      expect(ids(body)).toEqual([a2.id, b1.id, a1.id]);
      for (const post of body.data) {
        expect(Object.keys(post).sort()).toEqual(POST_KEYS);
        expect(Object.keys(post.author).sort()).toEqual(SUMMARY_KEYS);
        expect(post.published).toBe(true);
      }
      // Counted (up to 1,000): exact here.
      expect(body.meta).toEqual({
        total: 3,
        totalExact: true,
        limit: 20,
        offset: 0,
        nextCursor: null,
      });
      expect(body.data).toEqual(await viewsOf([a2.id, b1.id, a1.id], reader.auth));
      expect(body.data[2]).toMatchObject({
        author: { id: ada.id, username: ada.username, displayName: 'Ada' },
        tags: [`${m}-a`, `${m}-x`],
      });
      // The same rows as GET /api/posts gives for those authors.
      const fromPosts = await t
        .http()
        .get('/api/posts')
        .query({ search: m, author: ada.username })
        .set(reader.auth)
        .expect(200);
      expect(fromPosts.body.data).toEqual(body.data.filter((p) => p.author.id === ada.id));

      // The stranger's follower sees the stranger's post only.
      const ofAda = (await feed({}, ada.auth).expect(200)).body as PostPage;
      expect(ofAda.data.map((p) => p.title)).toEqual([`${m} stranger`]);
    });

    it("unfollowing removes that author's posts; following again brings them back", async () => {
      const reader = await registerUser(t);
      const [kept, dropped] = [await registerUser(t), await registerUser(t)];
      await follow(t, reader, kept);
      await follow(t, reader, dropped);
      const d1 = await createPostAs(t, dropped);
      const k1 = await createPostAs(t, kept);
      const d2 = await createPostAs(t, dropped);
      expect(ids((await feed({}, reader.auth).expect(200)).body)).toEqual([d2.id, k1.id, d1.id]);

      await unfollow(reader, dropped);
      const after = (await feed({}, reader.auth).expect(200)).body as PostPage;
      expect(ids(after)).toEqual([k1.id]);
      expect(totalOf(after.meta)).toEqual(exact(1));

      await follow(t, reader, dropped);
      expect(ids((await feed({}, reader.auth).expect(200)).body)).toEqual([d2.id, k1.id, d1.id]);
    });

    it('follows posts as they change: a draft published later joins it, an unpublished or deleted post leaves it', async () => {
      const reader = await registerUser(t);
      const author = await registerUser(t);
      await follow(t, reader, author);
      const first = await createPostAs(t, author);
      const second = await createPostAs(t, author);
      const draft = await createPostAs(t, author, { published: false });
      expect(ids((await feed({}, reader.auth).expect(200)).body)).toEqual([second.id, first.id]);

      await t
        .http()
        .patch(`/api/posts/${draft.id}`)
        .set(author.auth)
        .send({ published: true })
        .expect(200);
      await t
        .http()
        .patch(`/api/posts/${second.id}`)
        .set(author.auth)
        .send({ published: false })
        .expect(200);
      await t.http().delete(`/api/posts/${first.id}`).set(author.auth).expect(204);
      const now = (await feed({}, reader.auth).expect(200)).body as PostPage;
      expect(ids(now)).toEqual([draft.id]);
      expect(totalOf(now.meta)).toEqual(exact(1));
    });

    it("drops a deleted followee's posts", async () => {
      const reader = await registerUser(t);
      const [stays, leaves] = [await registerUser(t), await registerUser(t)];
      await follow(t, reader, stays);
      await follow(t, reader, leaves);
      const kept = await createPostAs(t, stays);
      await createPostAs(t, leaves);
      await t.http().delete('/api/users/me').set(leaves.auth).expect(204);
      const body = (await feed({}, reader.auth).expect(200)).body as PostPage;
      expect(ids(body)).toEqual([kept.id]);
      expect(totalOf(body.meta)).toEqual(exact(1));
    });

    it('answers an empty list with total 0 to a user who follows nobody, or only silent users', async () => {
      const loner = await registerUser(t);
      await createPostAs(t, loner);
      const empty = {
        data: [],
        meta: { total: 0, totalExact: true, limit: 20, offset: 0, nextCursor: null },
      };
      expect((await feed({}, loner.auth).expect(200)).body).toEqual(empty);

      const silent = await registerUser(t);
      await createPostAs(t, silent, { published: false });
      await follow(t, loner, silent);
      expect((await feed({}, loner.auth).expect(200)).body).toEqual(empty);
    });

    it("sets voted from the caller's votes", async () => {
      const reader = await registerUser(t);
      const author = await registerUser(t);
      const other = await registerUser(t);
      await follow(t, reader, author);
      await follow(t, other, author);
      const liked = await createPostAs(t, author);
      const plain = await createPostAs(t, author);
      const byOther = await createPostAs(t, author);
      await vote(t, reader, liked.id);
      await vote(t, other, liked.id);
      await vote(t, other, byOther.id);

      const asReader = (await feed({}, reader.auth).expect(200)).body as PostPage;
      expect(asReader.data.map((p) => [p.id, p.votes, p.voted])).toEqual([
        [byOther.id, 1, false],
        [plain.id, 0, false],
        [liked.id, 2, true],
      ]);
      const asOther = (await feed({}, other.auth).expect(200)).body as PostPage;
      expect(asOther.data.map((p) => [p.id, p.votes, p.voted])).toEqual([
        [byOther.id, 1, true],
        [plain.id, 0, false],
        [liked.id, 2, true],
      ]);

      await t.http().delete(`/api/posts/${liked.id}/votes`).set(reader.auth).expect(204);
      const after = (await feed({}, reader.auth).expect(200)).body as PostPage;
      expect(after.data.find((p) => p.id === liked.id)).toMatchObject({ votes: 1, voted: false });
    });
  });

  describe('sorting and paging', () => {
    let reader: RegisteredUser;
    let newestFirst: number[];

    beforeAll(async () => {
      reader = await registerUser(t);
      const authors = [await registerUser(t), await registerUser(t), await registerUser(t)];
      for (const author of authors) await follow(t, reader, author);
      const outsider = await registerUser(t);
      // Interleaved across authors; a draft and an outsider's post in between.
      const order = [0, 1, 2, 0, 0, 2, 1, 0];
      const created: number[] = [];
      for (const [i, a] of order.entries()) {
        created.push((await createPostAs(t, authors[a], { title: `post ${i}` })).id);
        if (i === 3) await createPostAs(t, authors[1], { published: false });
        if (i === 5) await createPostAs(t, outsider);
      }
      newestFirst = [...created].reverse();
    });

    it('sorts by -createdAt by default and accepts createdAt and -createdAt', async () => {
      expect(ids((await feed({}, reader.auth).expect(200)).body)).toEqual(newestFirst);
      expect(ids((await feed({ sort: '-createdAt' }, reader.auth).expect(200)).body)).toEqual(
        newestFirst,
      );
      expect(ids((await feed({ sort: 'createdAt' }, reader.auth).expect(200)).body)).toEqual(
        [...newestFirst].reverse(),
      );
    });

    it('reads a blank sort (sort= or spaces) as the default, newest first, as GET /api/posts does', async () => {
      expect(ids((await feed({ sort: '' }, reader.auth).expect(200)).body)).toEqual(newestFirst);
      expect(ids((await feed({ sort: '  ' }, reader.auth).expect(200)).body)).toEqual(newestFirst);
    });

    it.each([
      ['-createdAt', () => newestFirst],
      ['createdAt', () => [...newestFirst].reverse()],
    ])(
      'sort=%s: the offset walk equals the cursor walk (limit 2), without duplicates',
      async (sort, expected) => {
        const total = expected().length;
        const offsetIds = await walkOffset({ sort }, 2, reader.auth, total);
        const cursorIds = await walkCursor({ sort }, 2, reader.auth, total);
        expect(offsetIds).toEqual(expected());
        expect(cursorIds).toEqual(expected());
        expect(new Set(cursorIds).size).toBe(total);
        expect(await walkCursor({ sort }, 3, reader.auth, total)).toEqual(expected());
      },
    );

    it('answers an exact meta.total with offset paging and null with cursor paging', async () => {
      const first = (await feed({ limit: 3 }, reader.auth).expect(200)).body as PostPage;
      expect(first.meta).toEqual({
        total: newestFirst.length,
        totalExact: true,
        limit: 3,
        offset: 0,
        nextCursor: expect.any(String),
      });
      expect(ids(first)).toEqual(newestFirst.slice(0, 3));
      const second = (
        await feed({ limit: 3, cursor: first.meta.nextCursor ?? '' }, reader.auth).expect(200)
      ).body as PostPage;
      expect(second.meta).toEqual({
        total: null,
        totalExact: null,
        limit: 3,
        offset: null,
        nextCursor: expect.any(String),
      });
      expect(ids(second)).toEqual(newestFirst.slice(3, 6));
      const past = (await feed({ offset: newestFirst.length }, reader.auth).expect(200))
        .body as PostPage;
      expect(past).toEqual({
        data: [],
        meta: {
          total: newestFirst.length,
          totalExact: true,
          limit: 20,
          offset: newestFirst.length,
          nextCursor: null,
        },
      });
    });

    it.each([
      'votes',
      '-votes',
      'title',
      'comments',
      'id',
      'created_at',
      'createdAt,-createdAt',
      '-createdAt,title',
      'createdAt;DROP TABLE posts',
    ])('answers 400 (sort) for sort=%p', async (sort) => {
      expectInvalid(await feed({ sort }, reader.auth), 'sort');
    });

    it.each([
      ['search', { search: 'x' }],
      ['author', { author: '1' }],
      ['tag', { tag: 'x' }],
      ['page', { page: '2' }],
    ] as [string, Query][])('answers 400 naming the unknown parameter %s', async (field, query) => {
      expectInvalid(await feed(query, reader.auth), field);
    });

    it.each([
      ['limit 0', { limit: '0' }, 'limit'],
      ['limit 101', { limit: '101' }, 'limit'],
      ['limit 1e1', { limit: '1e1' }, 'limit'],
      ['offset -1', { offset: '-1' }, 'offset'],
      ['offset abc', { offset: 'abc' }, 'offset'],
      ['offset and cursor together', { offset: '0', cursor: 'abc.def' }, 'cursor'],
      ['a garbage cursor', { cursor: 'garbage' }, 'cursor'],
    ] as [string, Query, string][])('answers 400 (%s)', async (_, query, field) => {
      expectInvalid(await feed(query, reader.auth), field);
    });

    it('refuses a tampered cursor, a cursor of another sort, and a cursor of GET /api/posts', async () => {
      const first = (await feed({ limit: 2 }, reader.auth).expect(200)).body as PostPage;
      const cursor = first.meta.nextCursor ?? '';
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
      const [payload, signature] = cursor.split('.');

      const ok = await feed({ limit: 2, cursor }, reader.auth).expect(200);
      expect(ids(ok.body)).toEqual(newestFirst.slice(2, 4));

      const forged = Buffer.from(
        JSON.stringify(['feed:-createdAt,-id', '2999-01-01 00:00:00+00', '2147483647']),
      ).toString('base64url');
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
        expectInvalid(await feed({ limit: 2, cursor: bad }, reader.auth), 'cursor');
      }
      expectInvalid(await feed({ sort: 'createdAt', limit: 2, cursor }, reader.auth), 'cursor');
      expectInvalid(await feed({ offset: 2, limit: 2, cursor }, reader.auth), 'cursor');

      // GET /api/posts issues cursors for the same order, but not for this list.
      const posts = await t
        .http()
        .get('/api/posts')
        .query({ sort: '-createdAt', limit: 1 })
        .set(reader.auth)
        .expect(200);
      const postsCursor = (posts.body as PostPage).meta.nextCursor;
      expect(postsCursor).toEqual(expect.any(String));
      expectInvalid(await feed({ limit: 2, cursor: postsCursor ?? '' }, reader.auth), 'cursor');
      // Nor does the feed's cursor work on GET /api/posts.
      const res = await t.http().get('/api/posts').query({ limit: 2, cursor }).set(reader.auth);
      expectInvalid(res, 'cursor');
    });
  });

  describe('query budget', () => {
    it('GET /api/feed runs the same ≤ 3 statements for 1 or 50 posts', async () => {
      const reader = await registerUser(t);
      const authors = [await registerUser(t), await registerUser(t), await registerUser(t)];
      const voter = await registerUser(t);
      await t
        .http()
        .put('/api/users/me/profile')
        .set(authors[0].auth)
        .send({ displayName: 'Counted' })
        .expect(201);
      const m = marker();
      for (const author of authors) await follow(t, reader, author);
      for (let i = 0; i < 12; i += 1) {
        const post = await createPostAs(t, authors[i % 3], { tags: [`${m}-${i % 2}`, `${m}-all`] });
        if (i % 3 === 0) await vote(t, reader, post.id);
        if (i % 2 === 0) await vote(t, voter, post.id);
      }

      let small: PostPage | undefined;
      let large: PostPage | undefined;
      const one = await t.countQueries(async () => {
        small = (await feed({ limit: 1 }, reader.auth).expect(200)).body as PostPage;
      });
      const fifty = await t.countQueries(async () => {
        large = (await feed({ limit: 50 }, reader.auth).expect(200)).body as PostPage;
      });
      expect(small?.data).toHaveLength(1);
      expect(large?.data).toHaveLength(12);
      expect(large && totalOf(large.meta)).toEqual(exact(12));
      expect(large?.data.every((p) => p.tags.length === 2)).toBe(true);
      expect(large?.data.filter((p) => p.voted)).toHaveLength(4);
      expect(large?.data.reduce((sum, p) => sum + p.votes, 0)).toBe(10);
      expect(large?.data.filter((p) => p.author.displayName === 'Counted')).toHaveLength(4);
      expect(one).toBeGreaterThan(0);
      expect(fifty).toBe(one);
      expect(fifty).toBeLessThanOrEqual(3);

      let cursorPage: PostPage | undefined;
      const cursorCount = await t.countQueries(async () => {
        cursorPage = (
          await feed({ limit: 50, cursor: small?.meta.nextCursor ?? '' }, reader.auth).expect(200)
        ).body as PostPage;
      });
      expect(cursorPage?.data).toHaveLength(11);
      expect(cursorCount).toBeGreaterThan(0);
      expect(cursorCount).toBeLessThanOrEqual(3);
    });
  });
});
