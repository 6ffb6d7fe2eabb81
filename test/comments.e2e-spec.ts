import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  type Auth,
  createPostAs,
  expectInvalid,
  expectProblem,
  marker,
  type RegisteredUser,
  registerUser,
  type Schemas,
} from './support/api.js';
import { createTestApp, type TestApp } from './support/app.js';
import { nullability, refOf, type JsonSchema } from './support/contract.js';
import { count } from './support/db.js';
import {
  exact,
  getList,
  ids,
  totalOf,
  walkCursor as walkPages,
  type Page,
  type PostPage,
  type Query,
} from './support/lists.js';
import { ISO_UTC, SUMMARY_KEYS } from './support/shapes.js';
import { setDisplayName } from './support/social.js';

const COMMENT_KEYS = ['author', 'body', 'createdAt', 'id', 'parentId', 'replies'];

/** A Comment as the contract types it. */
type CommentBody = Schemas['CommentResponse'];

interface CommentRow {
  id: number;
  post_id: number;
  author_id: number;
  parent_id: number | null;
  body: string;
}

describe('comments', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  /** The stored comments of a post, oldest id first. */
  async function rowsOf(postId: number): Promise<CommentRow[]> {
    return t.db.query(
      'SELECT id, post_id, author_id, parent_id, body FROM comments WHERE post_id = $1 ORDER BY id',
      [postId],
    );
  }

  function postComment(postId: number | string, body: unknown, auth?: Auth) {
    const req = t.http().post(`/api/posts/${postId}/comments`);
    return (auth ? req.set(auth) : req).send(body as object);
  }

  async function comment(
    user: RegisteredUser,
    postId: number,
    body: string,
    parentId?: number,
  ): Promise<CommentBody> {
    const res = await postComment(
      postId,
      parentId === undefined ? { body } : { body, parentId },
      user.auth,
    );
    expect(res.status).toBe(201);
    return res.body as CommentBody;
  }

  const listComments = (postId: number | string, query: Query = {}, auth?: Auth) =>
    getList(t, `/api/posts/${postId}/comments`, query, auth);

  /** The comments listed (all on one page), as their bodies. */
  async function listed(postId: number, query: Query = {}, auth?: Auth): Promise<CommentBody[]> {
    const body = (await listComments(postId, { limit: 100, ...query }, auth).expect(200))
      .body as Page<CommentBody>;
    expect(body.meta.nextCursor).toBeNull();
    // Comment lists are counted exactly (the post's or the parent's counter): the whole list.
    expect(totalOf(body.meta)).toEqual(exact(body.data.length));
    return body.data;
  }

  async function repliesOf(postId: number, id: number, parentId?: number): Promise<number> {
    const page = await listed(postId, parentId === undefined ? {} : { parentId });
    const found = page.find((c) => c.id === id);
    if (!found) throw new Error(`comment ${id} not listed`);
    return found.replies;
  }

  async function commentsCount(postId: number, auth?: Auth): Promise<number> {
    const req = t.http().get(`/api/posts/${postId}`);
    const res = await (auth ? req.set(auth) : req).expect(200);
    return (res.body as Schemas['PostResponse']).comments;
  }

  describe('POST /api/posts/:id/comments', () => {
    it('answers 201 Comment with exactly its fields, the body trimmed, and stores it', async () => {
      const author = await registerUser(t);
      const commenter = await registerUser(t);
      await setDisplayName(t, commenter, 'Grace Hopper');
      const post = await createPostAs(t, author);

      const res = await postComment(post.id, { body: '  A fine engine.  ' }, commenter.auth).expect(
        201,
      );
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(Object.keys(res.body).sort()).toEqual(COMMENT_KEYS);
      expect(Object.keys(res.body.author).sort()).toEqual(SUMMARY_KEYS);
      expect(res.body).toEqual({
        id: expect.any(Number),
        body: 'A fine engine.',
        createdAt: expect.stringMatching(ISO_UTC),
        author: { id: commenter.id, username: commenter.username, displayName: 'Grace Hopper' },
        parentId: null,
        replies: 0,
      });
      const created = res.body as CommentBody;
      expect(created.id).toBeGreaterThan(0);

      expect(await rowsOf(post.id)).toEqual([
        {
          id: created.id,
          post_id: post.id,
          author_id: commenter.id,
          parent_id: null,
          body: 'A fine engine.',
        },
      ]);
      expect(await listed(post.id)).toEqual([created]);
      expect(await commentsCount(post.id)).toBe(1);
    });

    it('answers author.displayName null without a profile, and accepts a body of 5000 characters', async () => {
      const user = await registerUser(t);
      const post = await createPostAs(t, user);
      const long = await comment(user, post.id, 'b'.repeat(5000));
      expect(long.body).toHaveLength(5000);
      expect(long.author).toEqual({ id: user.id, username: user.username, displayName: null });
      expect((await rowsOf(post.id))[0].body).toHaveLength(5000);
    });

    it("stores a reply with parentId, and counts it in the parent's replies", async () => {
      const author = await registerUser(t);
      const other = await registerUser(t);
      const post = await createPostAs(t, author);
      const parent = await comment(author, post.id, 'Parent');

      const res = await postComment(
        post.id,
        { body: 'Reply', parentId: parent.id },
        other.auth,
      ).expect(201);
      expect(res.body).toEqual({
        id: expect.any(Number),
        body: 'Reply',
        createdAt: expect.stringMatching(ISO_UTC),
        author: { id: other.id, username: other.username, displayName: null },
        parentId: parent.id,
        replies: 0,
      });
      const reply = res.body as CommentBody;
      expect(await rowsOf(post.id)).toEqual([
        { id: parent.id, post_id: post.id, author_id: author.id, parent_id: null, body: 'Parent' },
        {
          id: reply.id,
          post_id: post.id,
          author_id: other.id,
          parent_id: parent.id,
          body: 'Reply',
        },
      ]);
      expect(await listed(post.id)).toEqual([{ ...parent, replies: 1 }]);
      expect(await listed(post.id, { parentId: parent.id })).toEqual([reply]);

      // A reply to a reply is stored under its own parent.
      const nested = await comment(author, post.id, 'Nested', reply.id);
      expect(nested.parentId).toBe(reply.id);
      expect((await rowsOf(post.id))[2]).toMatchObject({ id: nested.id, parent_id: reply.id });
      expect(await repliesOf(post.id, parent.id)).toBe(1);
      expect(await repliesOf(post.id, reply.id, parent.id)).toBe(1);
    });

    it('answers 400 (parentId) for a parent that is a comment of another post, storing nothing', async () => {
      const author = await registerUser(t);
      const other = await registerUser(t);
      const post = await createPostAs(t, author);
      const elsewhere = await createPostAs(t, author);
      const foreign = await comment(author, elsewhere.id, 'Elsewhere');

      const res = await postComment(post.id, { body: 'Lost', parentId: foreign.id }, other.auth);
      expectInvalid(res, 'parentId');
      expect(await rowsOf(post.id)).toEqual([]);
      expect(await count(t, 'comments WHERE author_id = $1', [other.id])).toBe(0);
      expect(await repliesOf(elsewhere.id, foreign.id)).toBe(0);
    });

    it('answers 404 for a missing parent and for a missing post, storing nothing', async () => {
      const user = await registerUser(t);
      const post = await createPostAs(t, user);
      const rows: { max: number }[] = await t.db.query(
        'SELECT coalesce(max(id), 0)::int AS max FROM comments',
      );
      for (const parentId of [rows[0].max + 1_000_000, 2147483647]) {
        expectProblem(await postComment(post.id, { body: 'x', parentId }, user.auth), 404);
      }
      expectProblem(await postComment(2147483647, { body: 'x' }, user.auth), 404);
      expect(await count(t, 'comments WHERE author_id = $1', [user.id])).toBe(0);
    });

    it.each(['0x10', '1e3', '0', '-1', 'abc', '99999999999'])(
      'answers 400 (id) for the post id %s',
      async (id) => {
        const user = await registerUser(t);
        expectInvalid(await postComment(id, { body: 'x' }, user.auth), 'id');
        expect(await count(t, 'comments WHERE author_id = $1', [user.id])).toBe(0);
      },
    );

    it("answers 404 to another user for a draft, and lets the draft's author comment on it", async () => {
      const author = await registerUser(t);
      const other = await registerUser(t);
      const draft = await createPostAs(t, author, { published: false });

      expectProblem(await postComment(draft.id, { body: 'Sneaky' }, other.auth), 404);
      expect(await rowsOf(draft.id)).toEqual([]);

      const own = await comment(author, draft.id, 'Note to self');
      expect(own.author.id).toBe(author.id);
      expect(await rowsOf(draft.id)).toEqual([
        {
          id: own.id,
          post_id: draft.id,
          author_id: author.id,
          parent_id: null,
          body: 'Note to self',
        },
      ]);
      // Nor can another user answer the author's comment on it.
      expectProblem(
        await postComment(draft.id, { body: 'Sneaky', parentId: own.id }, other.auth),
        404,
      );
      expect(await count(t, 'comments WHERE author_id = $1', [other.id])).toBe(0);
    });

    const invalid: [string, Record<string, unknown>, string][] = [
      ['an empty body', { body: '' }, 'body'],
      ['a blank body', { body: '   ' }, 'body'],
      ['a body of 5001 characters', { body: 'b'.repeat(5001) }, 'body'],
      ['a missing body', { body: undefined }, 'body'],
      ['a null body', { body: null }, 'body'],
      ['a numeric body', { body: 42 }, 'body'],
      ['an array body', { body: ['text'] }, 'body'],
      ['an object body', { body: { text: 'x' } }, 'body'],
      ['parentId as the string 1e3', { parentId: '1e3' }, 'parentId'],
      ['parentId as a numeric string', { parentId: '5' }, 'parentId'],
      ['parentId 0', { parentId: 0 }, 'parentId'],
      ['parentId -1', { parentId: -1 }, 'parentId'],
      ['parentId 1.5', { parentId: 1.5 }, 'parentId'],
      ['parentId over int4', { parentId: 2147483648 }, 'parentId'],
      ['a null parentId', { parentId: null }, 'parentId'],
      ['the unknown property postId', { postId: 1 }, 'postId'],
      ['the unknown property authorId', { authorId: 1 }, 'authorId'],
      ['the unknown property id', { id: 1 }, 'id'],
      ['the unknown property replies', { replies: 3 }, 'replies'],
    ];

    it.each(invalid)(
      'answers 400 naming the field for %s, storing nothing',
      async (_, fields, field) => {
        const user = await registerUser(t);
        const post = await createPostAs(t, user);
        expectInvalid(await postComment(post.id, { body: 'Valid', ...fields }, user.auth), field);
        expect(await rowsOf(post.id)).toEqual([]);
        expect(await count(t, 'comments WHERE author_id = $1', [user.id])).toBe(0);
      },
    );

    it('answers 401 with WWW-Authenticate without a token or with a bad one, storing nothing', async () => {
      const author = await registerUser(t);
      const post = await createPostAs(t, author);
      const anonymous = await postComment(post.id, { body: 'Anonymous' });
      expectProblem(anonymous, 401);
      expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer/);
      const bad = await postComment(
        post.id,
        { body: 'Bad' },
        { Authorization: 'Bearer not.a.jwt' },
      );
      expectProblem(bad, 401);
      expect(await rowsOf(post.id)).toEqual([]);
    });
  });

  describe('GET /api/posts/:id/comments', () => {
    let author: RegisteredUser;
    let u1: RegisteredUser;
    let u2: RegisteredUser;
    let post: Schemas['PostResponse'];
    let elsewhere: Schemas['PostResponse'];
    let foreign: CommentBody;
    /** Top-level comments, oldest first. */
    let top: CommentBody[];
    /** Direct replies of top[0], oldest first. */
    let replies: CommentBody[];
    let nested: CommentBody;

    beforeAll(async () => {
      author = await registerUser(t);
      u1 = await registerUser(t);
      u2 = await registerUser(t);
      post = await createPostAs(t, author);
      elsewhere = await createPostAs(t, u1);
      top = [];
      top.push(await comment(u1, post.id, 'first'));
      foreign = await comment(u1, elsewhere.id, 'on another post');
      top.push(await comment(u2, post.id, 'second'));
      replies = [await comment(u2, post.id, 'reply one', top[0].id)];
      top.push(await comment(author, post.id, 'third'));
      replies.push(await comment(author, post.id, 'reply two', top[0].id));
      nested = await comment(u1, post.id, 'reply to reply one', replies[0].id);
      top.push(await comment(u1, post.id, 'fourth'));
      top.push(await comment(u2, post.id, 'fifth'));
    });

    it('lists the top-level comments, oldest first, to anyone, with direct reply counts', async () => {
      for (const auth of [undefined, u1.auth, author.auth]) {
        const res = await listComments(post.id, {}, auth).expect(200);
        expect(res.body).toEqual({
          data: [{ ...top[0], replies: 2 }, ...top.slice(1)],
          meta: { total: 5, totalExact: true, limit: 20, offset: 0, nextCursor: null },
        });
        for (const item of (res.body as Page<CommentBody>).data) {
          expect(Object.keys(item).sort()).toEqual(COMMENT_KEYS);
          expect(item.parentId).toBeNull();
        }
      }
    });

    it('lists the direct replies of a comment with parentId; replies count direct answers only', async () => {
      const res = await listComments(post.id, { parentId: top[0].id }).expect(200);
      expect(res.body).toEqual({
        data: [{ ...replies[0], replies: 1 }, replies[1]],
        meta: { total: 2, totalExact: true, limit: 20, offset: 0, nextCursor: null },
      });
      expect(await listed(post.id, { parentId: replies[0].id })).toEqual([nested]);
      expect(await listed(post.id, { parentId: nested.id })).toEqual([]);
      const empty = await listComments(post.id, { parentId: top[1].id }).expect(200);
      expect(empty.body).toEqual({
        data: [],
        meta: { total: 0, totalExact: true, limit: 20, offset: 0, nextCursor: null },
      });
    });

    it('sorts newest first with sort=-createdAt, oldest first with sort=createdAt', async () => {
      const topIds = top.map((c) => c.id);
      expect(ids((await listComments(post.id, { sort: '-createdAt' }).expect(200)).body)).toEqual(
        [...topIds].reverse(),
      );
      expect(ids((await listComments(post.id, { sort: 'createdAt' }).expect(200)).body)).toEqual(
        topIds,
      );
      expect(
        ids(
          (await listComments(post.id, { parentId: top[0].id, sort: '-createdAt' }).expect(200))
            .body,
        ),
      ).toEqual([replies[1].id, replies[0].id]);
    });

    it.each(['votes', 'id', 'body', '-', 'createdAt,createdAt', 'createdAt;DROP TABLE comments'])(
      'answers 400 (sort) for sort=%p',
      async (sort) => {
        expectInvalid(await listComments(post.id, { sort }), 'sort');
        expect(await count(t, 'comments WHERE post_id = $1', [post.id])).toBe(8);
      },
    );

    async function walkOffset(query: Query, limit: number, total: number): Promise<number[]> {
      const found: number[] = [];
      for (let offset = 0; offset < 100; offset += limit) {
        const body = (await listComments(post.id, { ...query, limit, offset }).expect(200))
          .body as Page<CommentBody>;
        // The post's (or the parent's) counter answers the total exactly.
        expect(body.meta).toEqual({
          total,
          totalExact: true,
          limit,
          offset,
          nextCursor: offset + limit >= total ? null : expect.any(String),
        });
        found.push(...body.data.map((c) => c.id));
        if (body.meta.nextCursor === null) break;
      }
      return found;
    }

    async function walkCursor(query: Query, limit: number, total: number): Promise<number[]> {
      const rows = await walkPages<CommentBody>(
        (cursor) =>
          listComments(post.id, { ...query, limit, ...(cursor === null ? {} : { cursor }) }),
        { limit, total, maxPages: 100 },
      );
      return rows.map((c) => c.id);
    }

    it('pages the same with offset and cursor (limit 2), in both orders', async () => {
      const topIds = top.map((c) => c.id);
      for (const [sort, expected] of [
        ['createdAt', topIds],
        ['-createdAt', [...topIds].reverse()],
      ] as const) {
        expect(await walkOffset({ sort }, 2, 5)).toEqual(expected);
        expect(await walkCursor({ sort }, 2, 5)).toEqual(expected);
      }
      expect(await walkOffset({}, 2, 5)).toEqual(topIds);
      expect(await walkCursor({}, 2, 5)).toEqual(topIds);
      expect(await walkCursor({ parentId: top[0].id }, 1, 2)).toEqual(replies.map((c) => c.id));
    });

    it('refuses a cursor of another comment list and offset with cursor', async () => {
      const first = (await listComments(post.id, { limit: 2 }).expect(200))
        .body as Page<CommentBody>;
      const cursor = first.meta.nextCursor ?? '';
      expect(cursor).not.toBe('');
      expectInvalid(
        await listComments(post.id, { limit: 2, cursor, sort: '-createdAt' }),
        'cursor',
      );
      expectInvalid(await listComments(post.id, { limit: 2, cursor, offset: 2 }), 'cursor');
      expectInvalid(
        await listComments(post.id, { limit: 2, cursor, parentId: top[0].id }),
        'cursor',
      );
      expectInvalid(await listComments(elsewhere.id, { limit: 2, cursor }), 'cursor');
    });

    it('answers 400 (parentId) for a comment of another post, 404 for a missing one', async () => {
      expectInvalid(await listComments(post.id, { parentId: foreign.id }), 'parentId');
      expectProblem(await listComments(post.id, { parentId: 2147483647 }), 404);
    });

    it.each(['1e3', '0', '-1', '1.5', 'abc', '2147483648'])(
      'answers 400 (parentId) for parentId=%s',
      async (parentId) => {
        expectInvalid(await listComments(post.id, { parentId }), 'parentId');
      },
    );

    it('answers 400 for unknown query parameters and bad paging', async () => {
      expectInvalid(await listComments(post.id, { postId: post.id }), 'postId');
      expectInvalid(await listComments(post.id, { limit: 0 }), 'limit');
      expectInvalid(await listComments(post.id, { limit: 101 }), 'limit');
      expectInvalid(await listComments(post.id, { offset: -1 }), 'offset');
    });

    it('answers 404 for a missing post and 400 for a bad id', async () => {
      expectProblem(await listComments(2147483647), 404);
      for (const id of ['0x10', '1e3', '0', '-1', '99999999999']) {
        expectInvalid(await listComments(id), 'id');
      }
    });

    it("answers 404 for a draft's comments to anonymous callers and other users, 200 to its author", async () => {
      const draft = await createPostAs(t, author, { published: false });
      const own = await comment(author, draft.id, 'draft note');
      expectProblem(await listComments(draft.id), 404);
      expectProblem(await listComments(draft.id, {}, u1.auth), 404);
      expectProblem(await listComments(draft.id, { parentId: own.id }, u1.auth), 404);
      const res = await listComments(draft.id, {}, author.auth).expect(200);
      expect(res.body).toEqual({
        data: [own],
        meta: { total: 1, totalExact: true, limit: 20, offset: 0, nextCursor: null },
      });
    });

    it('answers 401 for an invalid token even though the route is public', async () => {
      expectProblem(await listComments(post.id, {}, { Authorization: `Bearer ${u1.token}x` }), 401);
    });
  });

  describe("the post's comments count", () => {
    it('counts every comment of the post, replies included, in the post and in lists', async () => {
      const author = await registerUser(t);
      const other = await registerUser(t);
      const m = marker();
      const post = await createPostAs(t, author, { title: `${m} counted` });
      const a = await comment(other, post.id, 'a');
      const b = await comment(author, post.id, 'b', a.id);
      await comment(other, post.id, 'c', b.id);
      await comment(other, post.id, 'd', a.id);
      await comment(author, post.id, 'e');
      const quiet = await createPostAs(t, author, { title: `${m} quiet` });

      expect(await commentsCount(post.id)).toBe(5);
      expect(await commentsCount(post.id, other.auth)).toBe(5);
      expect(await commentsCount(quiet.id)).toBe(0);
      const list = (await getList(t, '/api/posts', { search: m }).expect(200)).body as PostPage;
      expect(list.data.map((p) => [p.id, p.comments])).toEqual([
        [quiet.id, 0],
        [post.id, 5],
      ]);
      const byAuthor = (await getList(t, `/api/users/${author.id}/posts`).expect(200))
        .body as PostPage;
      expect(byAuthor.data.map((p) => [p.id, p.comments])).toEqual([
        [quiet.id, 0],
        [post.id, 5],
      ]);
    });

    it('orders GET /api/posts by it with sort=comments and sort=-comments (ties by id)', async () => {
      const author = await registerUser(t);
      const other = await registerUser(t);
      const m = marker();
      const none = await createPostAs(t, author, { title: `${m} none` });
      const three = await createPostAs(t, author, { title: `${m} three` });
      const one = await createPostAs(t, author, { title: `${m} one` });
      const alsoThree = await createPostAs(t, author, { title: `${m} also three` });
      const tops = await comment(other, three.id, 'top');
      await comment(author, three.id, 'reply', tops.id);
      await comment(other, three.id, 'top 2');
      await comment(other, one.id, 'only');
      for (let i = 0; i < 3; i += 1) await comment(other, alsoThree.id, `c${i}`);
      // A draft with more comments stays out of the list.
      const draft = await createPostAs(t, author, { title: `${m} draft`, published: false });
      for (let i = 0; i < 4; i += 1) await comment(author, draft.id, `d${i}`);

      const desc = await getList(t, '/api/posts', { search: m, sort: '-comments' }).expect(200);
      expect(ids(desc.body)).toEqual([alsoThree.id, three.id, one.id, none.id]);
      expect((desc.body as PostPage).data.map((p) => p.comments)).toEqual([3, 3, 1, 0]);
      const asc = await getList(t, '/api/posts', { search: m, sort: 'comments' }).expect(200);
      expect(ids(asc.body)).toEqual([none.id, one.id, three.id, alsoThree.id]);
      const own = await getList(
        t,
        '/api/posts',
        { search: m, sort: '-comments', author: author.username },
        author.auth,
      ).expect(200);
      expect(ids(own.body)).toEqual([draft.id, alsoThree.id, three.id, one.id, none.id]);
    });
  });

  describe('DELETE /api/comments/:id', () => {
    const remove = (id: number | string, auth?: Auth) => {
      const req = t.http().delete(`/api/comments/${id}`);
      return auth ? req.set(auth) : req;
    };

    it("lets the comment's author delete it: 204, removed, the post's count drops", async () => {
      const author = await registerUser(t);
      const commenter = await registerUser(t);
      const post = await createPostAs(t, author);
      const kept = await comment(author, post.id, 'kept');
      const gone = await comment(commenter, post.id, 'gone');
      expect(await commentsCount(post.id)).toBe(2);

      const res = await remove(gone.id, commenter.auth).expect(204);
      expect(res.text).toBe('');
      expect((await rowsOf(post.id)).map((r) => r.id)).toEqual([kept.id]);
      expect(await commentsCount(post.id)).toBe(1);
      expect(await listed(post.id)).toEqual([kept]);
      expectProblem(await remove(gone.id, commenter.auth), 404);
    });

    it("lets the post's author delete someone else's comment", async () => {
      const author = await registerUser(t);
      const commenter = await registerUser(t);
      const post = await createPostAs(t, author);
      const theirs = await comment(commenter, post.id, 'theirs');
      await remove(theirs.id, author.auth).expect(204);
      expect(await rowsOf(post.id)).toEqual([]);
      expect(await commentsCount(post.id)).toBe(0);
    });

    it("answers 403 to anyone else, the parent comment's author included, deleting nothing", async () => {
      const author = await registerUser(t);
      const commenter = await registerUser(t);
      const replier = await registerUser(t);
      const stranger = await registerUser(t);
      const post = await createPostAs(t, author);
      const parent = await comment(commenter, post.id, 'parent');
      const reply = await comment(replier, post.id, 'reply', parent.id);
      const strangersPost = await createPostAs(t, stranger);

      expectProblem(await remove(parent.id, stranger.auth), 403);
      expectProblem(await remove(reply.id, stranger.auth), 403);
      expectProblem(await remove(reply.id, commenter.auth), 403);
      expectProblem(await remove(parent.id, replier.auth), 403);
      expect((await rowsOf(post.id)).map((r) => r.id)).toEqual([parent.id, reply.id]);
      expect(await commentsCount(post.id)).toBe(2);
      expect(await rowsOf(strangersPost.id)).toEqual([]);
    });

    it('answers 404 for a missing comment, 400 for a bad id, 401 without a token', async () => {
      const author = await registerUser(t);
      const post = await createPostAs(t, author);
      const kept = await comment(author, post.id, 'kept');
      expectProblem(await remove(2147483647, author.auth), 404);
      for (const id of ['0x10', '1e3', '0', '-1', 'abc', '99999999999']) {
        expectInvalid(await remove(id, author.auth), 'id');
      }
      const anonymous = await remove(kept.id);
      expectProblem(anonymous, 401);
      expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer/);
      expectProblem(await remove(kept.id, { Authorization: 'Bearer not.a.jwt' }), 401);
      expect((await rowsOf(post.id)).map((r) => r.id)).toEqual([kept.id]);
    });

    it("answers 404 to a commenter once the post became a draft, and lets the post's author delete it", async () => {
      const author = await registerUser(t);
      const commenter = await registerUser(t);
      const post = await createPostAs(t, author);
      const theirs = await comment(commenter, post.id, 'before unpublishing');
      await t
        .http()
        .patch(`/api/posts/${post.id}`)
        .set(author.auth)
        .send({ published: false })
        .expect(200);
      expectProblem(await remove(theirs.id, commenter.auth), 404);
      expect((await rowsOf(post.id)).map((r) => r.id)).toEqual([theirs.id]);
      await remove(theirs.id, author.auth).expect(204);
      expect(await rowsOf(post.id)).toEqual([]);
    });

    it('deletes the replies and their replies with a comment, and the counts follow', async () => {
      const author = await registerUser(t);
      const u1 = await registerUser(t);
      const u2 = await registerUser(t);
      const post = await createPostAs(t, author);
      const root = await comment(u1, post.id, 'root');
      const r1 = await comment(u2, post.id, 'r1', root.id);
      const r2 = await comment(author, post.id, 'r2', root.id);
      const rr = await comment(u1, post.id, 'rr', r1.id);
      const rrr = await comment(u2, post.id, 'rrr', rr.id);
      const sibling = await comment(u2, post.id, 'sibling');
      const siblingReply = await comment(u1, post.id, 'sibling reply', sibling.id);
      expect(await commentsCount(post.id)).toBe(7);

      await remove(root.id, u1.auth).expect(204);
      expect(
        await count(t, 'comments WHERE id = ANY($1)', [[root.id, r1.id, r2.id, rr.id, rrr.id]]),
      ).toBe(0);
      expect((await rowsOf(post.id)).map((r) => r.id)).toEqual([sibling.id, siblingReply.id]);
      expect(await commentsCount(post.id)).toBe(2);
      expect(await listed(post.id)).toEqual([{ ...sibling, replies: 1 }]);
      expectProblem(await listComments(post.id, { parentId: root.id }), 404);
    });

    it("lowers the parent's replies when a reply is deleted", async () => {
      const author = await registerUser(t);
      const other = await registerUser(t);
      const post = await createPostAs(t, author);
      const parent = await comment(author, post.id, 'parent');
      const first = await comment(other, post.id, 'first', parent.id);
      const second = await comment(other, post.id, 'second', parent.id);
      const deeper = await comment(author, post.id, 'deeper', first.id);
      expect(await repliesOf(post.id, parent.id)).toBe(2);

      await remove(first.id, other.auth).expect(204);
      expect(await repliesOf(post.id, parent.id)).toBe(1);
      expect(await listed(post.id, { parentId: parent.id })).toEqual([second]);
      expect(await count(t, 'comments WHERE id = $1', [deeper.id])).toBe(0);
      expect(await commentsCount(post.id)).toBe(2);
    });
  });

  describe('DELETE /api/users/me cascade', () => {
    it('removes their comments and the replies under them, and the counts follow everywhere', async () => {
      const leaver = await registerUser(t);
      const author = await registerUser(t);
      const other = await registerUser(t);
      const m = marker();
      const post = await createPostAs(t, author, { title: `${m} stays` });
      const leaversPost = await createPostAs(t, leaver, { title: `${m} goes` });

      const c1 = await comment(leaver, post.id, 'by the leaver');
      const b1 = await comment(other, post.id, 'answer to the leaver', c1.id);
      const a1 = await comment(author, post.id, 'answer to the answer', b1.id);
      const c2 = await comment(other, post.id, 'by another user');
      const l2 = await comment(leaver, post.id, 'leaver answers', c2.id);
      const a2 = await comment(author, post.id, 'answer to the leaver answer', l2.id);
      const kept = await comment(author, post.id, 'answer kept', c2.id);
      const onLeavers = await comment(other, leaversPost.id, 'on the leaver post');

      expect(await commentsCount(post.id)).toBe(7);
      expect(await listed(post.id)).toEqual([
        { ...c1, replies: 1 },
        { ...c2, replies: 2 },
      ]);

      await t.http().delete('/api/users/me').set(leaver.auth).expect(204);

      expect(await count(t, 'comments WHERE author_id = $1', [leaver.id])).toBe(0);
      expect(
        await count(t, 'comments WHERE id = ANY($1)', [
          [c1.id, b1.id, a1.id, l2.id, a2.id, onLeavers.id],
        ]),
      ).toBe(0);
      expect(await rowsOf(leaversPost.id)).toEqual([]);
      expect((await rowsOf(post.id)).map((r) => r.id)).toEqual([c2.id, kept.id]);
      expect(await count(t, 'comments WHERE author_id = $1', [other.id])).toBe(1);

      expect(await commentsCount(post.id)).toBe(2);
      expect(await listed(post.id)).toEqual([{ ...c2, replies: 1 }]);
      expect(await listed(post.id, { parentId: c2.id })).toEqual([kept]);
      const list = (await getList(t, '/api/posts', { search: m }).expect(200)).body as PostPage;
      expect(list.data.map((p) => [p.id, p.comments])).toEqual([[post.id, 2]]);
      expectProblem(await listComments(leaversPost.id), 404);
    });
  });

  describe('query budgets', () => {
    let post: Schemas['PostResponse'];
    let viewer: RegisteredUser;
    let parent: CommentBody;
    let tops3: CommentBody;

    beforeAll(async () => {
      const author = await registerUser(t);
      viewer = await registerUser(t);
      await setDisplayName(t, author, 'Counted');
      post = await createPostAs(t, author);
      const tops: CommentBody[] = [];
      for (let i = 0; i < 12; i += 1) tops.push(await comment(author, post.id, `top ${i}`));
      for (let i = 0; i < 6; i += 1) await comment(viewer, post.id, `reply ${i}`, tops[i % 3].id);
      parent = tops[0];
      tops3 = tops[3];
    });

    async function measure(query: Query, auth?: Auth): Promise<[number, Page<CommentBody>]> {
      let body: Page<CommentBody> | undefined;
      const n = await t.countQueries(async () => {
        body = (await listComments(post.id, query, auth).expect(200)).body as Page<CommentBody>;
      });
      if (!body) throw new Error('no body');
      return [n, body];
    }

    it('GET /api/posts/:id/comments runs the same single statement for 1 or 50 comments', async () => {
      const [one, small] = await measure({ limit: 1 });
      const [fifty, large] = await measure({ limit: 50 });
      expect(small.data).toHaveLength(1);
      expect(large.data).toHaveLength(12);
      expect(totalOf(large.meta)).toEqual(exact(12));
      expect(large.data.map((c) => c.replies)).toEqual([2, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
      expect(large.data.every((c) => c.author.displayName === 'Counted')).toBe(true);
      expect(one).toBeGreaterThan(0);
      expect(fifty).toBe(one);
      // The page, with the post's visibility and its total folded in.
      expect(fifty).toBe(1);

      const [cursorCount, next] = await measure({ limit: 50, cursor: small.meta.nextCursor ?? '' });
      expect(next.data).toHaveLength(11);
      expect(cursorCount).toBeGreaterThan(0);
      expect(cursorCount).toBeLessThanOrEqual(fifty);
    });

    it('runs one statement more for a signed-in caller (the token check), whatever the page size', async () => {
      const [anonymous] = await measure({ limit: 50 });
      const [one] = await measure({ limit: 1 }, viewer.auth);
      const [fifty, large] = await measure({ limit: 50 }, viewer.auth);
      expect(large.data).toHaveLength(12);
      expect(fifty).toBe(one);
      expect(fifty).toBe(anonymous + 1);
      // The token check, and the page with its total.
      expect(fifty).toBe(2);
    });

    it('GET /api/posts/:id/comments?parentId= runs the same single statement for 1 or 50 replies', async () => {
      const [one, small] = await measure({ parentId: parent.id, limit: 1 });
      const [fifty, large] = await measure({ parentId: parent.id, limit: 50 });
      expect(small.data).toHaveLength(1);
      expect(large.data).toHaveLength(2);
      expect(one).toBeGreaterThan(0);
      expect(fifty).toBe(one);
      // The parent is matched inside the page query, the total read with it: no separate check.
      expect(fifty).toBe(1);
    });

    it('spends the extra existence checks only on an empty page', async () => {
      const [replies, empty] = await measure({ parentId: tops3.id, limit: 50 });
      expect(empty.data).toHaveLength(0);
      expect(totalOf(empty.meta)).toEqual(exact(0));
      // The page (an empty first page needs no total), then the post's visibility and the parent's post.
      expect(replies).toBe(3);
    });
  });

  describe('OpenAPI document', () => {
    it('describes CommentResponse with exactly the fields sent, all required, parentId nullable', async () => {
      const doc = await t.http().get('/docs-json').expect(200);
      const schemas = (
        doc.body.components as {
          schemas: Record<string, { properties: Record<string, JsonSchema>; required: string[] }>;
        }
      ).schemas;
      const user = await registerUser(t);
      const post = await createPostAs(t, user);
      const parent = await comment(user, post.id, 'parent');
      const reply = await comment(user, post.id, 'reply', parent.id);
      const listedReply = (await listed(post.id, { parentId: parent.id }))[0];
      expect(listedReply).toEqual(reply);

      const schema = schemas.CommentResponse;
      const keys = Object.keys(reply).sort();
      expect(Object.keys(schema.properties).sort()).toEqual(keys);
      expect([...schema.required].sort()).toEqual(keys);
      const author = schema.properties.author;
      expect(refOf(author)).toBe('#/components/schemas/UserSummaryResponse');
      expect(nullability(author).nullable).toBe(false);
      for (const key of keys.filter((k) => k !== 'author')) {
        expect({ key, nullable: nullability(schema.properties[key]).nullable }).toEqual({
          key,
          nullable: key === 'parentId',
        });
      }
    });
  });
});
