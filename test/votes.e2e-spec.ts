import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  expectInvalid,
  expectProblem,
  flipAt,
  type RegisteredUser,
  registerUser,
  type Schemas,
  uniqueName,
} from './support/api.js';
import { createTestApp, type TestApp } from './support/app.js';
import { missingId } from './support/db.js';
import { exact, type Page, totalOf, walkCursor, walkOffset } from './support/lists.js';
import { SUMMARY_KEYS } from './support/shapes.js';
import { setDisplayName } from './support/social.js';

const BAD_IDS = ['0', '-1', 'abc', '1.5', '0x10', '1e3', '007', '99999999999', '2147483648'];

/** A voter as the contract types it. */
type Voter = Schemas['UserSummaryResponse'];

type VotersBody = Page<Voter>;

describe('votes', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  async function createPost(
    author: RegisteredUser,
    fields: { published?: boolean; tags?: string[] } = {},
  ): Promise<number> {
    const res = await t
      .http()
      .post('/api/posts')
      .set(author.auth)
      .send({ title: uniqueName('Post '), content: 'Some content.', ...fields })
      .expect(201);
    return res.body.id as number;
  }

  function vote(postId: number | string, user?: RegisteredUser) {
    const req = t.http().post(`/api/posts/${postId}/votes`);
    return user ? req.set(user.auth) : req;
  }

  function unvote(postId: number | string, user?: RegisteredUser) {
    const req = t.http().delete(`/api/posts/${postId}/votes`);
    return user ? req.set(user.auth) : req;
  }

  function voters(
    postId: number | string,
    query: Record<string, string | number> = {},
    user?: RegisteredUser,
  ) {
    const req = t.http().get(`/api/posts/${postId}/votes`).query(query);
    return user ? req.set(user.auth) : req;
  }

  function getPost(postId: number, user?: RegisteredUser) {
    const req = t.http().get(`/api/posts/${postId}`);
    return user ? req.set(user.auth) : req;
  }

  async function voteRows(postId: number, userId?: number): Promise<number> {
    const rows: { n: number }[] =
      userId === undefined
        ? await t.db.query('SELECT count(*)::int AS n FROM votes WHERE post_id = $1', [postId])
        : await t.db.query(
            'SELECT count(*)::int AS n FROM votes WHERE post_id = $1 AND user_id = $2',
            [postId, userId],
          );
    return rows[0].n;
  }

  describe('POST /api/posts/:id/votes', () => {
    it('answers 201 exactly { postId, votes, voted: true } with the running count', async () => {
      const author = await registerUser(t);
      const [first, second, bystander] = await Promise.all([
        registerUser(t),
        registerUser(t),
        registerUser(t),
      ]);
      const postId = await createPost(author);

      const one = await vote(postId, first).expect(201);
      expect(one.headers['content-type']).toMatch(/^application\/json/);
      expect(one.body).toEqual({ postId, votes: 1, voted: true });
      expect(Object.keys(one.body).sort()).toEqual(['postId', 'voted', 'votes']);

      const two = await vote(postId, second).expect(201);
      expect(two.body).toEqual({ postId, votes: 2, voted: true });
      expect(await voteRows(postId)).toBe(2);
      expect(await voteRows(postId, first.id)).toBe(1);
      expect(await voteRows(postId, second.id)).toBe(1);

      const asVoter = await getPost(postId, first).expect(200);
      expect(asVoter.body).toMatchObject({ id: postId, votes: 2, voted: true });
      const asOtherVoter = await getPost(postId, second).expect(200);
      expect(asOtherVoter.body).toMatchObject({ id: postId, votes: 2, voted: true });
      const asBystander = await getPost(postId, bystander).expect(200);
      expect(asBystander.body).toMatchObject({ id: postId, votes: 2, voted: false });
      const asAuthor = await getPost(postId, author).expect(200);
      expect(asAuthor.body).toMatchObject({ id: postId, votes: 2, voted: false });
      const anonymous = await getPost(postId).expect(200);
      expect(anonymous.body).toMatchObject({ id: postId, votes: 2, voted: false });
    });

    it('answers 409 for a second vote by the same user, and keeps one row', async () => {
      const author = await registerUser(t);
      const voter = await registerUser(t);
      const postId = await createPost(author);
      await vote(postId, voter).expect(201);

      const again = await vote(postId, voter);
      expectProblem(again, 409);
      expect(again.text).not.toMatch(/pk_votes|duplicate key|violates/);
      expect(await voteRows(postId, voter.id)).toBe(1);
      expect(await voteRows(postId)).toBe(1);
      const post = await getPost(postId, voter).expect(200);
      expect(post.body).toMatchObject({ votes: 1, voted: true });
    });

    it('answers 404 for a post that does not exist', async () => {
      const voter = await registerUser(t);
      for (const id of [await missingId(t, 'posts'), 2147483647]) {
        expectProblem(await vote(id, voter), 404);
      }
      const rows: { n: number }[] = await t.db.query(
        'SELECT count(*)::int AS n FROM votes WHERE user_id = $1',
        [voter.id],
      );
      expect(rows[0].n).toBe(0);
    });

    it("answers 404 for another user's draft and stores nothing; the author may vote on their own draft", async () => {
      const author = await registerUser(t);
      const other = await registerUser(t);
      const draftId = await createPost(author, { published: false });

      expectProblem(await vote(draftId, other), 404);
      expect(await voteRows(draftId)).toBe(0);

      const own = await vote(draftId, author).expect(201);
      expect(own.body).toEqual({ postId: draftId, votes: 1, voted: true });
      const post = await getPost(draftId, author).expect(200);
      expect(post.body).toMatchObject({ published: false, votes: 1, voted: true });
      // Still invisible to anyone else, vote or not.
      expectProblem(await getPost(draftId, other), 404);
      expectProblem(await vote(draftId, other), 404);
      expect(await voteRows(draftId)).toBe(1);
    });

    it.each(BAD_IDS)('answers 400 (id) for the id %s', async (id) => {
      const voter = await registerUser(t);
      expectInvalid(await vote(id, voter), 'id');
    });

    it('answers 401 with WWW-Authenticate without a token or with a bad one, and stores nothing', async () => {
      const author = await registerUser(t);
      const postId = await createPost(author);
      const anonymous = await vote(postId);
      expectProblem(anonymous, 401);
      expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer/);
      const bad = await t
        .http()
        .post(`/api/posts/${postId}/votes`)
        .set('Authorization', `Bearer ${author.token}x`);
      expectProblem(bad, 401);
      expect(await voteRows(postId)).toBe(0);
    });
  });

  describe('races', () => {
    it('settles 20 concurrent votes by one user: one 201, nineteen 409, one row, never a 500', async () => {
      const author = await registerUser(t);
      const voter = await registerUser(t);
      const postId = await createPost(author);

      const responses = await Promise.all(Array.from({ length: 20 }, () => vote(postId, voter)));
      const statuses = responses.map((r) => r.status).sort((a, b) => a - b);
      expect(statuses).toEqual([201, ...Array<number>(19).fill(409)]);
      const winner = responses.find((r) => r.status === 201);
      expect(winner?.body).toEqual({ postId, votes: 1, voted: true });
      for (const res of responses.filter((r) => r.status === 409)) expectProblem(res, 409);

      expect(await voteRows(postId)).toBe(1);
      const post = await getPost(postId, voter).expect(200);
      expect(post.body).toMatchObject({ votes: 1, voted: true });
    });

    it('counts 10 different users voting concurrently: ten 201s and votes = 10', async () => {
      const author = await registerUser(t);
      const users = await Promise.all(Array.from({ length: 10 }, () => registerUser(t)));
      const postId = await createPost(author);

      const responses = await Promise.all(users.map((u) => vote(postId, u)));
      expect(responses.map((r) => r.status)).toEqual(Array<number>(10).fill(201));
      for (const res of responses) {
        expect(res.body).toEqual({ postId, votes: expect.any(Number), voted: true });
        expect(res.body.votes).toBeGreaterThanOrEqual(1);
        expect(res.body.votes).toBeLessThanOrEqual(10);
      }
      expect(await voteRows(postId)).toBe(10);
      const post = await getPost(postId).expect(200);
      expect(post.body).toMatchObject({ votes: 10, voted: false });
      const list = await voters(postId).expect(200);
      expect((list.body as VotersBody).data.map((v) => v.id).sort((a, b) => a - b)).toEqual(
        users.map((u) => u.id).sort((a, b) => a - b),
      );
      // The counter the concurrent votes kept answers the list's total exactly.
      expect(totalOf((list.body as VotersBody).meta)).toEqual(exact(10));
    });
  });

  describe('DELETE /api/posts/:id/votes', () => {
    it('answers 204, removes the row and the count drops; again is 404', async () => {
      const author = await registerUser(t);
      const [stays, leaves] = await Promise.all([registerUser(t), registerUser(t)]);
      const postId = await createPost(author);
      await vote(postId, stays).expect(201);
      await vote(postId, leaves).expect(201);
      expect((await getPost(postId).expect(200)).body.votes).toBe(2);

      const res = await unvote(postId, leaves).expect(204);
      expect(res.text).toBe('');
      expect(await voteRows(postId, leaves.id)).toBe(0);
      expect(await voteRows(postId, stays.id)).toBe(1);
      const after = await getPost(postId, leaves).expect(200);
      expect(after.body).toMatchObject({ votes: 1, voted: false });
      const list = await voters(postId).expect(200);
      expect(list.body).toEqual({
        data: [{ id: stays.id, username: stays.username, displayName: null }],
        meta: { total: 1, totalExact: true, limit: 20, offset: 0, nextCursor: null },
      });

      expectProblem(await unvote(postId, leaves), 404);
      expect(await voteRows(postId)).toBe(1);

      // Taken back, a vote may be cast again.
      const revote = await vote(postId, leaves).expect(201);
      expect(revote.body).toEqual({ postId, votes: 2, voted: true });
    });

    it('answers 404 for a user who never voted, for a missing post and for another user’s draft', async () => {
      const author = await registerUser(t);
      const other = await registerUser(t);
      const postId = await createPost(author);
      await vote(postId, author).expect(201);
      expectProblem(await unvote(postId, other), 404);
      expect(await voteRows(postId)).toBe(1);

      expectProblem(await unvote(await missingId(t, 'posts'), other), 404);

      const draftId = await createPost(author, { published: false });
      await vote(draftId, author).expect(201);
      expectProblem(await unvote(draftId, other), 404);
      expect(await voteRows(draftId)).toBe(1);
      await unvote(draftId, author).expect(204);
      expect(await voteRows(draftId)).toBe(0);
    });

    it.each(BAD_IDS)('answers 400 (id) for the id %s', async (id) => {
      const user = await registerUser(t);
      expectInvalid(await unvote(id, user), 'id');
    });

    it('answers 401 without a token and keeps the vote', async () => {
      const author = await registerUser(t);
      const voter = await registerUser(t);
      const postId = await createPost(author);
      await vote(postId, voter).expect(201);
      const res = await unvote(postId);
      expectProblem(res, 401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(await voteRows(postId, voter.id)).toBe(1);
    });
  });

  describe('GET /api/posts/:id/votes', () => {
    let author: RegisteredUser;
    let postId: number;
    /** Voters in the order they voted. */
    let inOrder: Voter[];

    beforeAll(async () => {
      author = await registerUser(t);
      postId = await createPost(author);
      const users = await Promise.all(Array.from({ length: 7 }, () => registerUser(t)));
      inOrder = [];
      for (const [i, user] of users.entries()) {
        const displayName = i % 2 === 0 ? `Voter ${i} ${user.username}` : null;
        if (displayName !== null) await setDisplayName(t, user, displayName);
        await vote(postId, user).expect(201);
        inOrder.push({ id: user.id, username: user.username, displayName });
      }
    });

    const newestFirst = () => [...inOrder].reverse();

    it('answers the list of UserSummary, newest vote first, without a token', async () => {
      const res = await voters(postId).expect(200);
      expect(Object.keys(res.body).sort()).toEqual(['data', 'meta']);
      const body = res.body as VotersBody;
      // The post's vote counter answers the total exactly.
      expect(body.meta).toEqual({
        total: 7,
        totalExact: true,
        limit: 20,
        offset: 0,
        nextCursor: null,
      });
      expect(body.data).toEqual(newestFirst());
      for (const item of body.data) expect(Object.keys(item).sort()).toEqual(SUMMARY_KEYS);
      expect(body.data.filter((v) => v.displayName === null)).toHaveLength(3);
      expect(res.text).not.toContain('@example.com');
    });

    it('answers the same list to a signed-in caller', async () => {
      const caller = await registerUser(t);
      const res = await voters(postId, {}, caller).expect(200);
      expect((res.body as VotersBody).data).toEqual(newestFirst());
    });

    it('walks the same order with limit/offset and with the cursor', async () => {
      // Exact on every offset page (7 voters: 2, 2, 2, 1); null once paging by cursor.
      const offsetIds = (
        await walkOffset<Voter>((offset) => voters(postId, { limit: 2, offset }), {
          limit: 2,
          total: 7,
          maxPages: 50,
        })
      ).map((v) => v.id);
      const cursorIds = (
        await walkCursor<Voter>(
          (cursor) => voters(postId, cursor === null ? { limit: 2 } : { limit: 2, cursor }),
          { limit: 2, total: 7, maxPages: 50 },
        )
      ).map((v) => v.id);

      const expected = newestFirst().map((v) => v.id);
      expect(offsetIds).toEqual(expected);
      expect(cursorIds).toEqual(expected);
    });

    it('refuses a tampered cursor, a cursor of another post, and offset with cursor', async () => {
      const first = await voters(postId, { limit: 2 }).expect(200);
      const cursor = (first.body as VotersBody).meta.nextCursor ?? '';
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
      const [payload, signature] = cursor.split('.');
      const ok = await voters(postId, { limit: 2, cursor }).expect(200);
      expect((ok.body as VotersBody).data).toEqual(newestFirst().slice(2, 4));

      for (const bad of [
        `${flipAt(payload, 3)}.${signature}`,
        `${payload}.${flipAt(signature, -1)}`,
        'garbage',
      ]) {
        expectInvalid(await voters(postId, { limit: 2, cursor: bad }), 'cursor');
      }
      const otherPost = await createPost(author);
      expectInvalid(await voters(otherPost, { limit: 2, cursor }), 'cursor');
      expectInvalid(await voters(postId, { limit: 2, offset: 0, cursor }), 'cursor');
    });

    it.each([
      ['limit 0', { limit: '0' }, 'limit'],
      ['limit 101', { limit: '101' }, 'limit'],
      ['offset -1', { offset: '-1' }, 'offset'],
      ['an unknown query parameter', { sort: 'createdAt' }, 'sort'],
    ] as [string, Record<string, string>, string][])(
      'answers 400 (%s)',
      async (_, query, field) => {
        expectInvalid(await voters(postId, query), field);
      },
    );

    it('shows a voter’s current display name, and null once the profile is gone', async () => {
      const post = await createPost(author);
      const voter = await registerUser(t);
      await setDisplayName(t, voter, 'First Name');
      await vote(post, voter).expect(201);
      const before = await voters(post).expect(200);
      expect(before.body.data).toEqual([
        { id: voter.id, username: voter.username, displayName: 'First Name' },
      ]);
      await t.http().delete('/api/users/me/profile').set(voter.auth).expect(204);
      const after = await voters(post).expect(200);
      expect(after.body.data).toEqual([
        { id: voter.id, username: voter.username, displayName: null },
      ]);
    });

    it('answers 404 for a missing post and for another user’s draft; the author sees their draft’s voters', async () => {
      expectProblem(await voters(await missingId(t, 'posts')), 404);
      const draftId = await createPost(author, { published: false });
      await vote(draftId, author).expect(201);
      const other = await registerUser(t);
      expectProblem(await voters(draftId), 404);
      expectProblem(await voters(draftId, {}, other), 404);
      const own = await voters(draftId, {}, author).expect(200);
      expect(own.body.data).toEqual([
        { id: author.id, username: author.username, displayName: null },
      ]);
    });

    it.each(BAD_IDS)('answers 400 (id) for the id %s', async (id) => {
      expectInvalid(await voters(id), 'id');
    });

    it('answers 401 for an invalid token even though the route is public', async () => {
      const res = await t
        .http()
        .get(`/api/posts/${postId}/votes`)
        .set('Authorization', 'Bearer not.a.jwt');
      expectProblem(res, 401);
    });
  });

  describe('query budgets', () => {
    it('a vote is one statement (plus the token check); the voters list runs at most 3 whatever the page size', async () => {
      const author = await registerUser(t);
      const users = await Promise.all(Array.from({ length: 5 }, () => registerUser(t)));
      const postId = await createPost(author);
      for (const user of users.slice(1)) await vote(postId, user).expect(201);

      // One for the vote itself; the guard's token check may add one.
      const voting = await t.countQueries(() => vote(postId, users[0]).expect(201));
      const unvoting = await t.countQueries(() => unvote(postId, users[0]).expect(204));
      for (const count of [voting, unvoting]) {
        expect(count).toBeGreaterThan(0);
        expect(count).toBeLessThanOrEqual(2);
      }

      const one = await t.countQueries(() => voters(postId, { limit: 1 }).expect(200));
      const all = await t.countQueries(() => voters(postId, { limit: 100 }).expect(200));
      expect(one).toBeGreaterThan(0);
      expect(all).toBe(one);
      expect(all).toBeLessThanOrEqual(3);
      // Authenticated, the token check is one of the three: visibility rides in the page's statement.
      const signedIn = await t.countQueries(() =>
        voters(postId, { limit: 100 }, author).expect(200),
      );
      expect(signedIn).toBeLessThanOrEqual(3);
    });
  });

  describe('cascades', () => {
    it('deleting a post removes its votes', async () => {
      const author = await registerUser(t);
      const [a, b] = await Promise.all([registerUser(t), registerUser(t)]);
      const postId = await createPost(author);
      const keep = await createPost(author);
      await vote(postId, a).expect(201);
      await vote(postId, b).expect(201);
      await vote(keep, a).expect(201);
      expect(await voteRows(postId)).toBe(2);

      await t.http().delete(`/api/posts/${postId}`).set(author.auth).expect(204);
      expect(await voteRows(postId)).toBe(0);
      expectProblem(await voters(postId), 404);
      expectProblem(await vote(postId, b), 404);
      expect(await voteRows(keep)).toBe(1);
    });

    it('deleting a voter removes their votes and the post’s count drops', async () => {
      const author = await registerUser(t);
      const [stays, leaves] = await Promise.all([registerUser(t), registerUser(t)]);
      const postId = await createPost(author);
      const second = await createPost(author);
      await vote(postId, stays).expect(201);
      await vote(postId, leaves).expect(201);
      await vote(second, leaves).expect(201);
      expect((await getPost(postId).expect(200)).body.votes).toBe(2);

      await t.http().delete('/api/users/me').set(leaves.auth).expect(204);

      const rows: { n: number }[] = await t.db.query(
        'SELECT count(*)::int AS n FROM votes WHERE user_id = $1',
        [leaves.id],
      );
      expect(rows[0].n).toBe(0);
      expect((await getPost(postId).expect(200)).body.votes).toBe(1);
      expect((await getPost(second).expect(200)).body.votes).toBe(0);
      const list = await voters(postId).expect(200);
      expect(list.body).toEqual({
        data: [{ id: stays.id, username: stays.username, displayName: null }],
        meta: { total: 1, totalExact: true, limit: 20, offset: 0, nextCursor: null },
      });
    });
  });
});
