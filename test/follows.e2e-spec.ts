import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  type Auth,
  expectInvalid,
  expectProblem,
  flipAt,
  marker,
  type RegisteredUser,
  registerUser,
  type Schemas,
  uniqueName,
} from './support/api.js';
import { createTestApp, type TestApp } from './support/app.js';
import { count, missingId } from './support/db.js';
import {
  exact,
  type Page,
  type Query,
  totalOf,
  UNCOUNTED,
  walkCursor as walkPages,
  walkOffset as walkOffsetPages,
} from './support/lists.js';
import { ISO_UTC, SUMMARY_KEYS, USER_KEYS } from './support/shapes.js';
import { follow, setDisplayName } from './support/social.js';

const COUNT_KEYS = ['followers', 'following', 'posts'];
const BAD_IDS = ['0x10', '1e3', '0', '-1', '007', 'abc', '1.5', '99999999999', '2147483648'];

/** A User as the contract types it. */
type UserBody = Schemas['UserResponse'];

/** A follower or a followee, as the contract types it. */
type Summary = Schemas['UserSummaryResponse'];

describe('follows', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  /** Rows in `follows` for this pair. */
  const followRows = (followerId: number, followeeId: number) =>
    count(t, 'follows WHERE follower_id = $1 AND followee_id = $2', [followerId, followeeId]);

  const followReq = (follower: RegisteredUser, followeeId: number | string) =>
    t.http().post(`/api/users/${followeeId}/follow`).set(follower.auth);

  const unfollowReq = (follower: RegisteredUser, followeeId: number | string) =>
    t.http().delete(`/api/users/${followeeId}/follow`).set(follower.auth);

  function getUser(id: number, auth?: Auth) {
    const req = t.http().get(`/api/users/${id}`);
    return auth ? req.set(auth) : req;
  }

  async function userView(id: number, auth?: Auth): Promise<UserBody> {
    const res = await getUser(id, auth);
    expect(res.status).toBe(200);
    return res.body as UserBody;
  }

  function getList(path: string, query: Query = {}, auth?: Auth) {
    const req = t.http().get(path).query(query);
    return auth ? req.set(auth) : req;
  }

  async function createPost(user: RegisteredUser, published = true): Promise<void> {
    await t
      .http()
      .post('/api/posts')
      .set(user.auth)
      .send({ title: 'A title', content: 'Some content', published })
      .expect(201);
  }

  /** Registers users one after another (so their ids ascend in this order). */
  async function registerMany(n: number, prefix?: string): Promise<RegisteredUser[]> {
    const users: RegisteredUser[] = [];
    for (let i = 0; i < n; i += 1) {
      users.push(
        await registerUser(t, prefix === undefined ? {} : { username: uniqueName(prefix) }),
      );
    }
    return users;
  }

  /**
   * Every id of a list, page by page with offset until nextCursor is null;
   * checks the meta of each page: `total` exact, or null (uncounted, with search).
   * `count` rows in all.
   */
  async function walkOffset(
    path: string,
    query: Query,
    limit: number,
    { total, count: rows }: { total: number | null; count: number },
  ): Promise<number[]> {
    const found = await walkOffsetPages<{ id: number }>(
      (offset) => getList(path, { ...query, limit, offset }),
      { limit, total },
    );
    expect(found).toHaveLength(rows);
    return found.map((u) => u.id);
  }

  /** Every id of a list, following nextCursor; checks the meta of each page. */
  async function walkCursor(
    path: string,
    query: Query,
    limit: number,
    total: number | null,
  ): Promise<number[]> {
    const rows = await walkPages<{ id: number }>(
      (cursor) => getList(path, { ...query, limit, ...(cursor === null ? {} : { cursor }) }),
      { limit, total },
    );
    return rows.map((u) => u.id);
  }

  describe('POST /api/users/:id/follow', () => {
    it('answers 201 with the User view of the followee (following true, followers counted) and stores the pair', async () => {
      const follower = await registerUser(t);
      const followee = await registerUser(t);
      await setDisplayName(t, followee, 'Grace Hopper');
      await createPost(followee);
      await createPost(followee, false);

      const before = await userView(followee.id, follower.auth);
      expect(before.counts).toEqual({ posts: 1, followers: 0, following: 0 });
      expect(before.following).toBe(false);
      expect(await followRows(follower.id, followee.id)).toBe(0);

      const res = await followReq(follower, followee.id).expect(201);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(Object.keys(res.body).sort()).toEqual(USER_KEYS);
      expect(Object.keys(res.body.counts).sort()).toEqual(COUNT_KEYS);
      expect(res.body).toEqual({
        id: followee.id,
        username: followee.username,
        createdAt: expect.stringMatching(ISO_UTC),
        profile: expect.objectContaining({ displayName: 'Grace Hopper' }),
        counts: { posts: 1, followers: 1, following: 0 },
        following: true,
      });
      expect(res.body.createdAt).toBe(before.createdAt);
      expect(res.body.profile).toEqual(before.profile);

      const rows: { follower_id: number; followee_id: number }[] = await t.db.query(
        'SELECT follower_id, followee_id FROM follows WHERE follower_id = $1 OR followee_id = $1',
        [followee.id],
      );
      expect(rows).toEqual([{ follower_id: follower.id, followee_id: followee.id }]);

      expect(await userView(followee.id, follower.auth)).toEqual(res.body);
      const followerView = await userView(follower.id);
      expect(followerView.counts).toEqual({ posts: 0, followers: 0, following: 1 });
    });

    it('answers 400 for following yourself, and stores nothing', async () => {
      const user = await registerUser(t);
      const res = await followReq(user, user.id);
      const body = expectProblem(res, 400);
      expect(String(body.detail)).toMatch(/\S/);
      expect(await count(t, 'follows WHERE follower_id = $1 OR followee_id = $1', [user.id])).toBe(
        0,
      );
      expect((await userView(user.id, user.auth)).counts).toEqual({
        posts: 0,
        followers: 0,
        following: 0,
      });
    });

    it('answers 409 for following twice, keeping one row', async () => {
      const follower = await registerUser(t);
      const followee = await registerUser(t);
      await follow(t, follower, followee);
      expectProblem(await followReq(follower, followee.id), 409);
      expect(await followRows(follower.id, followee.id)).toBe(1);
      expect((await userView(followee.id)).counts.followers).toBe(1);
    });

    it('lets a user follow again after unfollowing', async () => {
      const follower = await registerUser(t);
      const followee = await registerUser(t);
      await follow(t, follower, followee);
      await unfollowReq(follower, followee.id).expect(204);
      const again = await follow(t, follower, followee);
      expect(again).toMatchObject({ following: true, counts: { followers: 1 } });
      expect(await followRows(follower.id, followee.id)).toBe(1);
    });

    it('answers 404 for a user that does not exist, and stores nothing', async () => {
      const user = await registerUser(t);
      for (const id of [await missingId(t, 'users'), 2147483647]) {
        expectProblem(await followReq(user, id), 404);
      }
      expect(await count(t, 'follows WHERE follower_id = $1', [user.id])).toBe(0);
    });

    it('answers 404 for a deleted user', async () => {
      const user = await registerUser(t);
      const gone = await registerUser(t);
      await t.http().delete('/api/users/me').set(gone.auth).expect(204);
      expectProblem(await followReq(user, gone.id), 404);
      expect(await count(t, 'follows WHERE follower_id = $1', [user.id])).toBe(0);
    });

    it.each(BAD_IDS)('answers 400 (id) for the id %s', async (id) => {
      const user = await registerUser(t);
      expectInvalid(await followReq(user, id), 'id');
      expect(await count(t, 'follows WHERE follower_id = $1', [user.id])).toBe(0);
    });

    it('answers 401 with WWW-Authenticate without a token or with a bad one, and stores nothing', async () => {
      const followee = await registerUser(t);
      const anonymous = await t.http().post(`/api/users/${followee.id}/follow`);
      expectProblem(anonymous, 401);
      expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer/);
      const bad = await t
        .http()
        .post(`/api/users/${followee.id}/follow`)
        .set('Authorization', 'Bearer not.a.jwt');
      expectProblem(bad, 401);
      expect(bad.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(await count(t, 'follows WHERE followee_id = $1', [followee.id])).toBe(0);
    });

    it('answers 401 for the token of a deleted user', async () => {
      const gone = await registerUser(t);
      const followee = await registerUser(t);
      await t.http().delete('/api/users/me').set(gone.auth).expect(204);
      expectProblem(await followReq(gone, followee.id), 401);
      expect(await count(t, 'follows WHERE followee_id = $1', [followee.id])).toBe(0);
    });
  });

  describe('races', () => {
    it('settles 20 concurrent follows of one user by one user: one 201, nineteen 409, one row, never a 500', async () => {
      const follower = await registerUser(t);
      const followee = await registerUser(t);

      const responses = await Promise.all(
        Array.from({ length: 20 }, () => followReq(follower, followee.id)),
      );
      const statuses = responses.map((r) => r.status).sort((a, b) => a - b);
      expect(statuses).toEqual([201, ...Array<number>(19).fill(409)]);
      const winner = responses.find((r) => r.status === 201);
      expect(winner?.body).toMatchObject({
        id: followee.id,
        following: true,
        counts: { followers: 1 },
      });
      for (const res of responses.filter((r) => r.status === 409)) expectProblem(res, 409);

      expect(await followRows(follower.id, followee.id)).toBe(1);
      const view = await userView(followee.id, follower.auth);
      expect(view).toMatchObject({ following: true, counts: { followers: 1 } });
    });

    it('counts 10 different users following one user concurrently: ten 201s, followers = 10', async () => {
      const followee = await registerUser(t);
      const followers = await Promise.all(Array.from({ length: 10 }, () => registerUser(t)));
      const responses = await Promise.all(followers.map((f) => followReq(f, followee.id)));
      expect(responses.map((r) => r.status)).toEqual(Array<number>(10).fill(201));
      expect(await count(t, 'follows WHERE followee_id = $1', [followee.id])).toBe(10);
      expect((await userView(followee.id)).counts.followers).toBe(10);
      const list = await getList(`/api/users/${followee.id}/followers`, { limit: 50 }).expect(200);
      expect((list.body as Page<Summary>).data.map((u) => u.id).sort((a, b) => a - b)).toEqual(
        followers.map((f) => f.id).sort((a, b) => a - b),
      );
    });

    it('settles follows racing the followee deleting their account: each a 201 or a 404, never a 500, no row left', async () => {
      const leaving = await registerUser(t);
      // Posts make the account's deletion (and its cascade) take a while, widening the race.
      for (let i = 0; i < 5; i += 1) await createPost(leaving);
      const followers = await Promise.all(Array.from({ length: 20 }, () => registerUser(t)));
      const [deletion, ...responses] = await Promise.all([
        t.http().delete('/api/users/me').set(leaving.auth),
        ...followers.map((f) => followReq(f, leaving.id)),
      ]);
      expect(deletion.status).toBe(204);
      for (const res of responses) {
        expect([201, 404]).toContain(res.status);
        if (res.status === 404) expectProblem(res, 404);
      }
      expect(await count(t, 'follows WHERE followee_id = $1', [leaving.id])).toBe(0);
    });

    it('settles a user following and unfollowing concurrently: no 500, and the row matches the flag', async () => {
      const follower = await registerUser(t);
      const followee = await registerUser(t);
      const responses = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          i % 2 === 0 ? followReq(follower, followee.id) : unfollowReq(follower, followee.id),
        ),
      );
      for (const [i, res] of responses.entries()) {
        expect(i % 2 === 0 ? [201, 409] : [204, 404]).toContain(res.status);
      }
      const rows = await followRows(follower.id, followee.id);
      expect(rows).toBeLessThanOrEqual(1);
      const view = await userView(followee.id, follower.auth);
      expect(view).toMatchObject({ following: rows === 1, counts: { followers: rows } });
    });
  });

  describe('DELETE /api/users/:id/follow', () => {
    it('answers 204, removes the row and the counts drop; again is 404', async () => {
      const follower = await registerUser(t);
      const followee = await registerUser(t);
      const stays = await registerUser(t);
      await follow(t, follower, followee);
      await follow(t, stays, followee);
      expect((await userView(followee.id)).counts.followers).toBe(2);
      expect((await userView(follower.id)).counts.following).toBe(1);

      const res = await unfollowReq(follower, followee.id).expect(204);
      expect(res.text).toBe('');
      expect(await followRows(follower.id, followee.id)).toBe(0);
      expect(await followRows(stays.id, followee.id)).toBe(1);

      const view = await userView(followee.id, follower.auth);
      expect(view).toMatchObject({ following: false, counts: { followers: 1, following: 0 } });
      expect((await userView(follower.id)).counts).toEqual({
        posts: 0,
        followers: 0,
        following: 0,
      });
      expect((await userView(followee.id, stays.auth)).following).toBe(true);

      expectProblem(await unfollowReq(follower, followee.id), 404);
      expect(await followRows(stays.id, followee.id)).toBe(1);
    });

    it('answers 404 when the caller does not follow the user, and removes nobody else’s follow', async () => {
      const caller = await registerUser(t);
      const followee = await registerUser(t);
      const other = await registerUser(t);
      await follow(t, other, followee);
      expectProblem(await unfollowReq(caller, followee.id), 404);
      expect(await followRows(other.id, followee.id)).toBe(1);
      // The reverse direction is a different follow.
      await follow(t, followee, caller);
      expectProblem(await unfollowReq(caller, followee.id), 404);
      expect(await followRows(followee.id, caller.id)).toBe(1);
    });

    it('answers 404 for a user that does not exist', async () => {
      const user = await registerUser(t);
      for (const id of [await missingId(t, 'users'), 2147483647]) {
        expectProblem(await unfollowReq(user, id), 404);
      }
    });

    it.each(BAD_IDS)('answers 400 (id) for the id %s', async (id) => {
      const user = await registerUser(t);
      expectInvalid(await unfollowReq(user, id), 'id');
    });

    it('answers 401 with WWW-Authenticate without a token, and keeps the follow', async () => {
      const follower = await registerUser(t);
      const followee = await registerUser(t);
      await follow(t, follower, followee);
      const res = await t.http().delete(`/api/users/${followee.id}/follow`);
      expectProblem(res, 401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      const bad = await t
        .http()
        .delete(`/api/users/${followee.id}/follow`)
        .set('Authorization', 'Bearer not.a.jwt');
      expectProblem(bad, 401);
      expect(await followRows(follower.id, followee.id)).toBe(1);
    });
  });

  describe('the User view: counts and the following flag', () => {
    let m: string;
    let subject: RegisteredUser;
    let followees: RegisteredUser[];
    let followers: RegisteredUser[];
    let stranger: RegisteredUser;

    beforeAll(async () => {
      m = marker();
      // Every user of this block carries the marker, so `search=m` lists exactly them.
      subject = await registerUser(t, { username: `${m}subject` });
      followees = [];
      for (const name of ['ee1', 'ee2', 'ee3']) {
        followees.push(await registerUser(t, { username: `${m}${name}` }));
      }
      followers = [];
      for (const name of ['er1', 'er2']) {
        followers.push(await registerUser(t, { username: `${m}${name}` }));
      }
      stranger = await registerUser(t, { username: `${m}stranger` });
      for (const followee of followees) await follow(t, subject, followee);
      for (const follower of followers) await follow(t, follower, subject);
    });

    it('GET /api/users/:id counts followers and followees, with following true only for a follower', async () => {
      const counts = { posts: 0, followers: 2, following: 3 };
      for (const follower of followers) {
        const view = await userView(subject.id, follower.auth);
        expect(Object.keys(view).sort()).toEqual(USER_KEYS);
        expect(view).toEqual({
          id: subject.id,
          username: subject.username,
          createdAt: expect.stringMatching(ISO_UTC),
          profile: null,
          counts,
          following: true,
        });
      }
      // A user the subject follows does not follow the subject back.
      for (const auth of [followees[0].auth, stranger.auth, subject.auth, undefined]) {
        const view = await userView(subject.id, auth);
        expect(view.counts).toEqual(counts);
        expect(view.following).toBe(false);
      }
      const followee = await userView(followees[1].id, subject.auth);
      expect(followee).toMatchObject({
        following: true,
        counts: { posts: 0, followers: 1, following: 0 },
      });
      expect((await userView(followees[1].id, followers[0].auth)).following).toBe(false);
      expect((await userView(followers[0].id)).counts).toEqual({
        posts: 0,
        followers: 0,
        following: 1,
      });
    });

    it('GET /api/users shows the same counts and the caller’s following flag per user', async () => {
      const expected = (viewer: RegisteredUser | undefined) =>
        new Map<number, Pick<UserBody, 'counts' | 'following'>>([
          [
            subject.id,
            {
              counts: { posts: 0, followers: 2, following: 3 },
              following: followers.some((f) => f.id === viewer?.id),
            },
          ],
          ...followees.map((f): [number, Pick<UserBody, 'counts' | 'following'>] => [
            f.id,
            {
              counts: { posts: 0, followers: 1, following: 0 },
              following: viewer?.id === subject.id,
            },
          ]),
          ...followers.map((f): [number, Pick<UserBody, 'counts' | 'following'>] => [
            f.id,
            { counts: { posts: 0, followers: 0, following: 1 }, following: false },
          ]),
          [stranger.id, { counts: { posts: 0, followers: 0, following: 0 }, following: false }],
        ]);

      for (const viewer of [followers[0], subject, stranger, undefined]) {
        const res = await getList('/api/users', { search: m, limit: 50 }, viewer?.auth).expect(200);
        const body = res.body as Page<UserBody>;
        // A list with search is not counted.
        expect(totalOf(body.meta)).toEqual(UNCOUNTED);
        expect(body.meta.nextCursor).toBeNull();
        const want = expected(viewer);
        expect(body.data).toHaveLength(want.size);
        for (const user of body.data) {
          expect(Object.keys(user).sort()).toEqual(USER_KEYS);
          expect({ id: user.id, counts: user.counts, following: user.following }).toEqual({
            id: user.id,
            ...want.get(user.id),
          });
        }
        // The list and the single view agree.
        const single = await userView(subject.id, viewer?.auth);
        expect(body.data.find((u) => u.id === subject.id)).toEqual(single);
      }
    });
  });

  describe('GET /api/users sorted by followers', () => {
    let m: string;
    // Follower counts per target, in creation (id) order; ties at 2 and at 0.
    const followerCounts = [2, 0, 3, 2, 0, 1, 2];
    let targets: RegisteredUser[];
    let ascending: number[];
    let descending: number[];

    beforeAll(async () => {
      m = marker();
      targets = [];
      for (let i = 0; i < followerCounts.length; i += 1) {
        targets.push(await registerUser(t, { username: `${m}t${i}` }));
      }
      // The followers carry no marker: they are not listed, only counted.
      const fans = await registerMany(3);
      for (const [i, target] of targets.entries()) {
        for (const fan of fans.slice(0, followerCounts[i])) await follow(t, fan, target);
      }
      const byCount = targets.map((u, i) => ({ id: u.id, n: followerCounts[i] }));
      ascending = [...byCount].sort((a, b) => a.n - b.n || a.id - b.id).map((x) => x.id);
      descending = [...byCount].sort((a, b) => b.n - a.n || b.id - a.id).map((x) => x.id);
    });

    it('sort=followers and sort=-followers order by the real follower counts, the id breaking ties', async () => {
      const up = (await getList('/api/users', { search: m, sort: 'followers' }).expect(200))
        .body as Page<UserBody>;
      expect(up.data.map((u) => u.id)).toEqual(ascending);
      expect(up.data.map((u) => u.counts.followers)).toEqual(
        [...followerCounts].sort((a, b) => a - b),
      );
      const down = (await getList('/api/users', { search: m, sort: '-followers' }).expect(200))
        .body as Page<UserBody>;
      expect(down.data.map((u) => u.id)).toEqual(descending);
      expect(down.data.map((u) => u.counts.followers)).toEqual(
        [...followerCounts].sort((a, b) => b - a),
      );
    });

    it.each([
      ['-followers', () => descending],
      ['followers', () => ascending],
    ])('sort=%s: the offset walk equals the cursor walk (limit 2)', async (sort, expected) => {
      const offsetIds = await walkOffset('/api/users', { search: m, sort }, 2, {
        total: null,
        count: targets.length,
      });
      const cursorIds = await walkCursor('/api/users', { search: m, sort }, 2, null);
      expect(offsetIds).toEqual(expected());
      expect(cursorIds).toEqual(expected());
      expect(new Set(cursorIds).size).toBe(targets.length);
    });
  });

  describe('GET /api/users/:id/followers and /following', () => {
    it('lists UserSummary followers, newest follow first, with displayName from the profile or null, to anyone', async () => {
      const owner = await registerUser(t);
      const [f1, f2, f3] = await registerMany(3);
      await setDisplayName(t, f1, 'First Fan');
      // Followed in the order f2, f1, f3: newest first is f3, f1, f2.
      await follow(t, f2, owner);
      await follow(t, f1, owner);
      await follow(t, f3, owner);

      const res = await getList(`/api/users/${owner.id}/followers`).expect(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      const body = res.body as Page<Summary>;
      for (const item of body.data) expect(Object.keys(item).sort()).toEqual(SUMMARY_KEYS);
      expect(body).toEqual({
        data: [
          { id: f3.id, username: f3.username, displayName: null },
          { id: f1.id, username: f1.username, displayName: 'First Fan' },
          { id: f2.id, username: f2.username, displayName: null },
        ],
        meta: { total: 3, totalExact: true, limit: 20, offset: 0, nextCursor: null },
      });

      // A token only personalises; the list is the same.
      const asFollower = await getList(`/api/users/${owner.id}/followers`, {}, f1.auth).expect(200);
      expect(asFollower.body).toEqual(body);

      // The owner follows nobody.
      expect((await getList(`/api/users/${owner.id}/following`).expect(200)).body).toEqual({
        data: [],
        meta: { total: 0, totalExact: true, limit: 20, offset: 0, nextCursor: null },
      });
      // Each follower follows only the owner.
      const ofF1 = await getList(`/api/users/${f1.id}/following`).expect(200);
      expect(ofF1.body.data).toEqual([
        { id: owner.id, username: owner.username, displayName: null },
      ]);

      // Unfollowing takes them off the list.
      await unfollowReq(f1, owner.id).expect(204);
      const after = (await getList(`/api/users/${owner.id}/followers`).expect(200))
        .body as Page<Summary>;
      expect(after.data.map((u) => u.id)).toEqual([f3.id, f2.id]);
      expect(totalOf(after.meta)).toEqual(exact(2));
    });

    it('lists the users someone follows, newest follow first', async () => {
      const owner = await registerUser(t);
      const [a, b, c] = await registerMany(3);
      await setDisplayName(t, c, 'Third');
      await follow(t, owner, b);
      await follow(t, owner, c);
      await follow(t, owner, a);
      // Others' follows do not leak into the owner's list.
      await follow(t, a, b);

      const res = await getList(`/api/users/${owner.id}/following`).expect(200);
      expect(res.body).toEqual({
        data: [
          { id: a.id, username: a.username, displayName: null },
          { id: c.id, username: c.username, displayName: 'Third' },
          { id: b.id, username: b.username, displayName: null },
        ],
        meta: { total: 3, totalExact: true, limit: 20, offset: 0, nextCursor: null },
      });
      const ofB = (await getList(`/api/users/${b.id}/followers`).expect(200)).body as Page<Summary>;
      expect(ofB.data.map((u) => u.id)).toEqual([a.id, owner.id]);
    });

    it('answers 200 with an empty list for an existing user without followers or followees', async () => {
      const user = await registerUser(t);
      for (const side of ['followers', 'following']) {
        const res = await getList(`/api/users/${user.id}/${side}`).expect(200);
        expect(res.body).toEqual({
          data: [],
          meta: { total: 0, totalExact: true, limit: 20, offset: 0, nextCursor: null },
        });
      }
    });

    it('answers 404 for a user that does not exist (also past the end of a page), and for a deleted one', async () => {
      const missing = await missingId(t, 'users');
      const gone = await registerUser(t);
      const fan = await registerUser(t);
      await follow(t, fan, gone);
      await t.http().delete('/api/users/me').set(gone.auth).expect(204);
      for (const side of ['followers', 'following']) {
        for (const id of [missing, 2147483647, gone.id]) {
          expectProblem(await getList(`/api/users/${id}/${side}`), 404);
          expectProblem(await getList(`/api/users/${id}/${side}`, { offset: 5 }), 404);
        }
      }
    });

    it.each(BAD_IDS)('answers 400 (id) for the id %s', async (id) => {
      for (const side of ['followers', 'following']) {
        expectInvalid(await getList(`/api/users/${id}/${side}`), 'id');
      }
    });

    it.each([
      ['an unknown query parameter', { page: '2' }, 'page'],
      ['a sort (the order is fixed)', { sort: 'username' }, 'sort'],
      ['limit 0', { limit: '0' }, 'limit'],
      ['limit 101', { limit: '101' }, 'limit'],
      ['offset -1', { offset: '-1' }, 'offset'],
      ['offset and cursor together', { offset: '0', cursor: 'abc.def' }, 'cursor'],
      ['a garbage cursor', { cursor: 'garbage' }, 'cursor'],
    ] as [string, Query, string][])('answers 400 (%s)', async (_, query, field) => {
      const user = await registerUser(t);
      for (const side of ['followers', 'following']) {
        expectInvalid(await getList(`/api/users/${user.id}/${side}`, query), field);
      }
    });

    it('answers 401 for an invalid token even though the routes are public', async () => {
      const user = await registerUser(t);
      for (const side of ['followers', 'following']) {
        expectProblem(
          await getList(`/api/users/${user.id}/${side}`, {}, { Authorization: 'Bearer nope' }),
          401,
        );
      }
    });

    describe('paging', () => {
      let owner: RegisteredUser;
      let fans: RegisteredUser[];
      let newestFirst: number[];

      beforeAll(async () => {
        owner = await registerUser(t);
        fans = await registerMany(7);
        // Followed in a shuffled order, so newest-first is not the id order.
        const order = [3, 0, 6, 1, 5, 2, 4];
        for (const i of order) {
          await follow(t, fans[i], owner);
          await follow(t, owner, fans[i]);
        }
        newestFirst = [...order].reverse().map((i) => fans[i].id);
      });

      it.each(['followers', 'following'])(
        '/%s: the offset walk equals the cursor walk (limit 2), newest first, without duplicates',
        async (side) => {
          const path = `/api/users/${owner.id}/${side}`;
          // The user's counter answers the total exactly, on every page.
          const offsetIds = await walkOffset(path, {}, 2, {
            total: fans.length,
            count: fans.length,
          });
          const cursorIds = await walkCursor(path, {}, 2, fans.length);
          expect(offsetIds).toEqual(newestFirst);
          expect(cursorIds).toEqual(newestFirst);
          expect(new Set(cursorIds).size).toBe(fans.length);
          expect(await walkCursor(path, {}, 3, fans.length)).toEqual(newestFirst);
        },
      );

      it('refuses a tampered cursor, and a cursor of another list or another user’s list', async () => {
        const path = `/api/users/${owner.id}/followers`;
        const first = (await getList(path, { limit: 2 }).expect(200)).body as Page<Summary>;
        const cursor = first.meta.nextCursor ?? '';
        expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
        const [payload, signature] = cursor.split('.');

        const ok = await getList(path, { limit: 2, cursor }).expect(200);
        expect((ok.body as Page<Summary>).data.map((u) => u.id)).toEqual(newestFirst.slice(2, 4));

        for (const bad of [
          `${flipAt(payload, 2)}.${signature}`,
          `${flipAt(payload, -1)}.${signature}`,
          `${payload}.${flipAt(signature, 0)}`,
          `${payload}.${flipAt(signature, -1)}`,
          `${payload}.`,
          `.${signature}`,
          payload,
          `${cursor}.x`,
        ]) {
          expectInvalid(await getList(path, { limit: 2, cursor: bad }), 'cursor');
        }
        expectInvalid(
          await getList(`/api/users/${owner.id}/following`, { limit: 2, cursor }),
          'cursor',
        );
        expectInvalid(
          await getList(`/api/users/${fans[0].id}/followers`, { limit: 2, cursor }),
          'cursor',
        );
        expectInvalid(await getList(path, { limit: 2, offset: 2, cursor }), 'cursor');
        const usersCursor = (
          await getList('/api/users', { sort: '-createdAt', limit: 1 }).expect(200)
        ).body.meta.nextCursor as string;
        expect(usersCursor).toEqual(expect.any(String));
        expectInvalid(await getList(path, { limit: 2, cursor: usersCursor }), 'cursor');
      });
    });
  });

  describe('query budgets', () => {
    let owner: RegisteredUser;
    let viewer: RegisteredUser;
    let fans: RegisteredUser[];

    beforeAll(async () => {
      owner = await registerUser(t);
      viewer = await registerUser(t);
      await setDisplayName(t, owner, 'Counted');
      await createPost(owner);
      fans = await registerMany(12);
      for (const [i, fan] of fans.entries()) {
        if (i % 2 === 0) await setDisplayName(t, fan, `Fan ${i}`);
        await follow(t, fan, owner);
        if (i < 5) await follow(t, owner, fan);
      }
      await follow(t, viewer, owner);
    });

    it('GET /api/users/:id, authenticated, runs at most 2 statements: counts and flag come with the user', async () => {
      let body: UserBody | undefined;
      const n = await t.countQueries(async () => {
        body = (await getUser(owner.id, viewer.auth).expect(200)).body as UserBody;
      });
      expect(body).toMatchObject({
        id: owner.id,
        following: true,
        counts: { posts: 1, followers: 13, following: 5 },
      });
      expect(n).toBeGreaterThan(0);
      expect(n).toBeLessThanOrEqual(2);
    });

    it.each(['followers', 'following'])(
      'GET /api/users/:id/%s runs the same ≤ 3 statements for 1 or 50 users',
      async (side) => {
        const path = `/api/users/${owner.id}/${side}`;
        const expected = side === 'followers' ? 13 : 5;
        let small: Page<Summary> | undefined;
        let large: Page<Summary> | undefined;
        const one = await t.countQueries(async () => {
          small = (await getList(path, { limit: 1 }, viewer.auth).expect(200))
            .body as Page<Summary>;
        });
        const fifty = await t.countQueries(async () => {
          large = (await getList(path, { limit: 50 }, viewer.auth).expect(200))
            .body as Page<Summary>;
        });
        expect(small?.data).toHaveLength(1);
        expect(large?.data).toHaveLength(expected);
        expect(large && totalOf(large.meta)).toEqual(exact(expected));
        expect(large?.data.some((u) => u.displayName !== null)).toBe(true);
        expect(one).toBeGreaterThan(0);
        expect(fifty).toBe(one);
        expect(fifty).toBeLessThanOrEqual(3);

        const anonymous = await t.countQueries(() => getList(path, { limit: 50 }).expect(200));
        expect(anonymous).toBeLessThanOrEqual(3);
        const cursorPage = await t.countQueries(() =>
          getList(path, { limit: 50, cursor: small?.meta.nextCursor ?? '' }).expect(200),
        );
        expect(cursorPage).toBeLessThanOrEqual(3);
      },
    );
  });

  describe('DELETE /api/users/me cascade', () => {
    it('removes the user’s follows in both directions and the other users’ counts drop', async () => {
      const leaving = await registerUser(t);
      const [a, b, c, d] = await registerMany(4);
      await follow(t, leaving, a);
      await follow(t, leaving, b);
      await follow(t, c, leaving);
      await follow(t, d, leaving);
      // A follow between two others stays.
      await follow(t, a, b);

      expect(
        await count(t, 'follows WHERE follower_id = $1 OR followee_id = $1', [leaving.id]),
      ).toBe(4);
      expect((await userView(a.id)).counts).toEqual({ posts: 0, followers: 1, following: 1 });
      expect((await userView(b.id)).counts).toEqual({ posts: 0, followers: 2, following: 0 });
      expect((await userView(c.id)).counts).toEqual({ posts: 0, followers: 0, following: 1 });

      await t.http().delete('/api/users/me').set(leaving.auth).expect(204);

      expect(
        await count(t, 'follows WHERE follower_id = $1 OR followee_id = $1', [leaving.id]),
      ).toBe(0);
      expect(await followRows(a.id, b.id)).toBe(1);
      expect((await userView(a.id)).counts).toEqual({ posts: 0, followers: 0, following: 1 });
      expect((await userView(b.id)).counts).toEqual({ posts: 0, followers: 1, following: 0 });
      expect((await userView(c.id)).counts).toEqual({ posts: 0, followers: 0, following: 0 });
      expect((await userView(d.id)).counts).toEqual({ posts: 0, followers: 0, following: 0 });

      const followersOfA = await getList(`/api/users/${a.id}/followers`).expect(200);
      expect(followersOfA.body).toEqual({
        data: [],
        meta: { total: 0, totalExact: true, limit: 20, offset: 0, nextCursor: null },
      });
      const followersOfB = (await getList(`/api/users/${b.id}/followers`).expect(200))
        .body as Page<Summary>;
      expect(followersOfB.data.map((u) => u.id)).toEqual([a.id]);
      const followingOfC = await getList(`/api/users/${c.id}/following`).expect(200);
      expect(followingOfC.body.data).toEqual([]);
      expectProblem(await getList(`/api/users/${leaving.id}/followers`), 404);
      expectProblem(await getList(`/api/users/${leaving.id}/following`), 404);
      expectProblem(await getUser(leaving.id), 404);
      expectProblem(await followReq(c, leaving.id), 404);
    });
  });
});
