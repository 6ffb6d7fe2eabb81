import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { registerUser, type Schemas } from './support/api.js';
import { createTestApp, type TestApp } from './support/app.js';
import { CONDUIT, expectConduitError, registerConduitUser } from './support/conduit.js';

type ProfileBody = Schemas['ConduitProfileResponse'];

/** Profiles by username and follows at /conduit/api, over Agora's users and follows. */
describe('Conduit profiles', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  async function follows(followerId: number, followeeId: number): Promise<number> {
    const rows: { n: number }[] = await t.db.query(
      'SELECT count(*)::int AS n FROM follows WHERE follower_id = $1 AND followee_id = $2',
      [followerId, followeeId],
    );
    return rows[0].n;
  }

  describe('GET /profiles/:username', () => {
    it('answers the profile, any case of the name; following false when anonymous', async () => {
      const user = await registerConduitUser(t);
      await t
        .http()
        .put(`${CONDUIT}/user`)
        .set(user.auth)
        .send({ user: { bio: 'Hello', image: 'https://example.com/me.png' } })
        .expect(200);
      const res = await t.http().get(`${CONDUIT}/profiles/${user.username.toUpperCase()}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        profile: {
          username: user.username,
          bio: 'Hello',
          image: 'https://example.com/me.png',
          following: false,
        },
      });
    });

    it('says whether the caller follows them', async () => {
      const [reader, author] = [await registerConduitUser(t), await registerConduitUser(t)];
      const path = `${CONDUIT}/profiles/${author.username}`;
      expect((await t.http().get(path).set(reader.auth)).body).toMatchObject({
        profile: { following: false, bio: null, image: null },
      });
      await t.http().post(`${path}/follow`).set(reader.auth).expect(200);
      expect((await t.http().get(path).set(reader.auth)).body).toMatchObject({
        profile: { following: true },
      });
      // Anonymous, and the author about themselves.
      expect((await t.http().get(path)).body.profile.following).toBe(false);
      expect((await t.http().get(path).set(author.auth)).body.profile.following).toBe(false);
    });

    it('answers 404 profile not found, also for a name no account may have', async () => {
      for (const name of ['nobody_at_all_here', 'no such name', '%C3%A9t%C3%A9', 'x'.repeat(90)]) {
        expectConduitError(await t.http().get(`${CONDUIT}/profiles/${name}`), 404, {
          profile: ['not found'],
        });
      }
    });

    it('answers 401 for an invalid token, even where a token is optional', async () => {
      const user = await registerConduitUser(t);
      expectConduitError(
        await t
          .http()
          .get(`${CONDUIT}/profiles/${user.username}`)
          .set('Authorization', 'Token nope'),
        401,
        { token: ['is invalid'] },
      );
    });
  });

  describe('POST and DELETE /profiles/:username/follow', () => {
    it('follows: 200, the profile with following true, one row; again: the same, still one row', async () => {
      const [follower, followee] = [await registerConduitUser(t), await registerConduitUser(t)];
      for (let i = 0; i < 2; i++) {
        const res = await t
          .http()
          .post(`${CONDUIT}/profiles/${followee.username}/follow`)
          .set(follower.auth);
        expect(res.status).toBe(200);
        expect(res.body as ProfileBody).toEqual({
          profile: { username: followee.username, bio: null, image: null, following: true },
        });
        expect(await follows(follower.id, followee.id)).toBe(1);
      }
    });

    it('unfollows: 200, following false; when not following: the same, nothing changes', async () => {
      const [follower, followee] = [await registerConduitUser(t), await registerConduitUser(t)];
      const path = `${CONDUIT}/profiles/${followee.username}/follow`;
      await t.http().post(path).set(follower.auth).expect(200);
      for (let i = 0; i < 2; i++) {
        const res = await t.http().delete(path).set(follower.auth);
        expect(res.status).toBe(200);
        expect(res.body).toEqual({
          profile: { username: followee.username, bio: null, image: null, following: false },
        });
        expect(await follows(follower.id, followee.id)).toBe(0);
      }
    });

    it('refuses to follow yourself as /api does (here a 422), and stores nothing', async () => {
      const user = await registerConduitUser(t);
      expectConduitError(
        await t.http().post(`${CONDUIT}/profiles/${user.username}/follow`).set(user.auth),
        422,
        { profile: ['cannot be followed by yourself'] },
      );
      expect(await follows(user.id, user.id)).toBe(0);
      // Unfollowing yourself is not following: a no-op.
      await t
        .http()
        .delete(`${CONDUIT}/profiles/${user.username}/follow`)
        .set(user.auth)
        .expect(200);
    });

    it('answers 404 for an unknown user, and 401 before that without a token', async () => {
      const user = await registerConduitUser(t);
      for (const method of ['post', 'delete'] as const) {
        expectConduitError(
          await t.http()[method](`${CONDUIT}/profiles/nobody_at_all_here/follow`).set(user.auth),
          404,
          { profile: ['not found'] },
        );
        expectConduitError(
          await t.http()[method](`${CONDUIT}/profiles/nobody_at_all_here/follow`),
          401,
          { token: ['is missing'] },
        );
      }
    });
  });

  describe('across the two faces', () => {
    it('a follow made through one face shows through the other', async () => {
      const viaApi = await registerUser(t);
      const target = await registerConduitUser(t);
      await t.http().post(`/api/users/${target.id}/follow`).set(viaApi.auth).expect(201);
      const seen = await t
        .http()
        .get(`${CONDUIT}/profiles/${target.username}`)
        .set('Authorization', `Token ${viaApi.token}`);
      expect(seen.body.profile.following).toBe(true);

      const viaConduit = await registerConduitUser(t);
      await t
        .http()
        .post(`${CONDUIT}/profiles/${target.username}/follow`)
        .set(viaConduit.auth)
        .expect(200);
      const followers = await t.http().get(`/api/users/${target.id}/followers`).expect(200);
      expect((followers.body.data as { username: string }[]).map((u) => u.username).sort()).toEqual(
        [viaApi.username, viaConduit.username].sort(),
      );
      const apiView = await t.http().get(`/api/users/${target.id}`).set(viaConduit.bearer);
      expect(apiView.body).toMatchObject({ following: true, counts: { followers: 2 } });

      // Unfollowed through Conduit: gone through /api too.
      await t
        .http()
        .delete(`${CONDUIT}/profiles/${target.username}/follow`)
        .set(viaConduit.auth)
        .expect(200);
      expect(
        (await t.http().get(`/api/users/${target.id}`).set(viaConduit.bearer)).body,
      ).toMatchObject({ following: false, counts: { followers: 1 } });
    });

    it('a profile edited through /api shows through Conduit', async () => {
      const user = await registerUser(t);
      await t
        .http()
        .put('/api/users/me/profile')
        .set(user.auth)
        .send({ displayName: 'Ada', bio: 'Bio via API', avatarUrl: 'https://example.com/a.png' })
        .expect(201);
      const res = await t.http().get(`${CONDUIT}/profiles/${user.username}`).expect(200);
      expect(res.body).toEqual({
        profile: {
          username: user.username,
          bio: 'Bio via API',
          image: 'https://example.com/a.png',
          following: false,
        },
      });
    });
  });
});
