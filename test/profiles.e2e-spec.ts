import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectProblem, registerUser, type RegisteredUser } from './support/api.js';
import { createTestApp, type TestApp } from './support/app.js';

const PROFILE_KEYS = ['avatarUrl', 'bio', 'displayName', 'location', 'updatedAt'];
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
/** An int4 id the identity column will never reach during a test run. */
const MISSING_USER_ID = 2_147_483_647;

interface ProfileRowInDb {
  display_name: string;
  bio: string | null;
  avatar_url: string | null;
  location: string | null;
}

describe('profiles', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  async function storedProfiles(userId: number): Promise<ProfileRowInDb[]> {
    return t.db.query(
      'SELECT display_name, bio, avatar_url, location FROM profiles WHERE user_id = $1',
      [userId],
    );
  }

  function putProfile(user: RegisteredUser, body: unknown) {
    return t
      .http()
      .put('/api/users/me/profile')
      .set(user.auth)
      .send(body as object);
  }

  describe('PUT /api/users/me/profile', () => {
    it('creates the profile (201), then replaces it (200)', async () => {
      const user = await registerUser(t);
      const body = {
        displayName: 'Ada Lovelace',
        bio: 'Analyst of engines.',
        avatarUrl: 'https://example.com/ada.png',
        location: 'London',
      };

      const created = await putProfile(user, body).expect(201);
      expect(Object.keys(created.body).sort()).toEqual(PROFILE_KEYS);
      expect(created.body).toMatchObject(body);
      expect(created.body.updatedAt).toMatch(ISO_UTC);

      const replaced = await putProfile(user, { ...body, location: 'Paris' }).expect(200);
      expect(Object.keys(replaced.body).sort()).toEqual(PROFILE_KEYS);
      expect(replaced.body).toMatchObject({ ...body, location: 'Paris' });

      expect(await storedProfiles(user.id)).toEqual([
        {
          display_name: 'Ada Lovelace',
          bio: 'Analyst of engines.',
          avatar_url: 'https://example.com/ada.png',
          location: 'Paris',
        },
      ]);
    });

    it('is a full replacement: fields left out become null, in the answer and in the database', async () => {
      const user = await registerUser(t);
      await putProfile(user, {
        displayName: 'Grace',
        bio: 'Wrote a compiler.',
        avatarUrl: 'https://example.com/grace.png',
        location: 'Arlington',
      }).expect(201);

      const replaced = await putProfile(user, { displayName: 'Grace Hopper' }).expect(200);
      expect(replaced.body).toEqual({
        displayName: 'Grace Hopper',
        bio: null,
        avatarUrl: null,
        location: null,
        updatedAt: expect.stringMatching(ISO_UTC),
      });
      expect(await storedProfiles(user.id)).toEqual([
        { display_name: 'Grace Hopper', bio: null, avatar_url: null, location: null },
      ]);
    });

    it('accepts explicit nulls for the optional fields', async () => {
      const user = await registerUser(t);
      const res = await putProfile(user, {
        displayName: 'Nully',
        bio: null,
        avatarUrl: null,
        location: null,
      }).expect(201);
      expect(res.body).toMatchObject({ bio: null, avatarUrl: null, location: null });
    });

    it('refreshes updatedAt on replacement', async () => {
      const user = await registerUser(t);
      await putProfile(user, { displayName: 'Timely' }).expect(201);
      await t.db.query(
        `UPDATE profiles SET updated_at = '2000-01-01T00:00:00Z' WHERE user_id = $1`,
        [user.id],
      );

      const replaced = await putProfile(user, { displayName: 'Timely' }).expect(200);
      expect(new Date(replaced.body.updatedAt).getTime()).toBeGreaterThan(
        Date.parse('2000-01-01T00:00:00Z'),
      );
    });

    it('trims strings', async () => {
      const user = await registerUser(t);
      const res = await putProfile(user, {
        displayName: '  Ada  ',
        bio: '\t hello \n',
        avatarUrl: '  https://example.com/a.png ',
        location: ' London ',
      }).expect(201);
      expect(res.body).toMatchObject({
        displayName: 'Ada',
        bio: 'hello',
        avatarUrl: 'https://example.com/a.png',
        location: 'London',
      });
      expect(await storedProfiles(user.id)).toEqual([
        {
          display_name: 'Ada',
          bio: 'hello',
          avatar_url: 'https://example.com/a.png',
          location: 'London',
        },
      ]);
    });

    it('accepts the maximum lengths', async () => {
      const user = await registerUser(t);
      const avatarUrl = `https://example.com/${'a'.repeat(500 - 'https://example.com/'.length)}`;
      const body = {
        displayName: 'd'.repeat(60),
        bio: 'b'.repeat(500),
        avatarUrl,
        location: 'l'.repeat(100),
      };
      const res = await putProfile(user, body).expect(201);
      expect(res.body).toMatchObject(body);
    });

    const invalid: [string, Record<string, unknown>, string][] = [
      ['displayName missing', { bio: 'no name' }, 'displayName'],
      ['displayName empty', { displayName: '' }, 'displayName'],
      ['displayName only blanks', { displayName: '   ' }, 'displayName'],
      ['displayName 61 characters', { displayName: 'x'.repeat(61) }, 'displayName'],
      ['displayName null', { displayName: null }, 'displayName'],
      ['displayName not a string', { displayName: 42 }, 'displayName'],
      ['bio 501 characters', { displayName: 'A', bio: 'b'.repeat(501) }, 'bio'],
      [
        'avatarUrl over http',
        { displayName: 'A', avatarUrl: 'http://example.com/a.png' },
        'avatarUrl',
      ],
      ['avatarUrl not a URL', { displayName: 'A', avatarUrl: 'not a url' }, 'avatarUrl'],
      [
        'avatarUrl over 500 characters',
        { displayName: 'A', avatarUrl: `https://example.com/${'a'.repeat(490)}` },
        'avatarUrl',
      ],
      ['location 101 characters', { displayName: 'A', location: 'l'.repeat(101) }, 'location'],
      ['an unknown property', { displayName: 'A', userId: 1 }, 'userId'],
      [
        'updatedAt sent by the client',
        { displayName: 'A', updatedAt: '2000-01-01T00:00:00Z' },
        'updatedAt',
      ],
    ];

    it.each(invalid)('rejects %s with 400 and stores nothing', async (_case, body, field) => {
      const user = await registerUser(t);
      const res = await putProfile(user, body);
      const problem = expectProblem(res, 400);
      expect(problem.errors).toEqual(
        expect.arrayContaining([expect.objectContaining({ field, message: expect.any(String) })]),
      );
      expect(await storedProfiles(user.id)).toEqual([]);
    });

    it('reports every broken field, once each', async () => {
      const user = await registerUser(t);
      const res = await putProfile(user, {
        displayName: '',
        bio: 'b'.repeat(501),
        avatarUrl: 'http://example.com',
        location: 'l'.repeat(101),
      });
      const problem = expectProblem(res, 400);
      const fields = (problem.errors as { field: string }[]).map((e) => e.field).sort();
      expect(fields).toEqual(['avatarUrl', 'bio', 'displayName', 'location']);
    });

    it('is 401 without a token, or with an invalid one', async () => {
      const anonymous = await t.http().put('/api/users/me/profile').send({ displayName: 'A' });
      expectProblem(anonymous, 401);
      expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer/);

      const forged = await t
        .http()
        .put('/api/users/me/profile')
        .set('Authorization', 'Bearer not.a.jwt')
        .send({ displayName: 'A' });
      expectProblem(forged, 401);
      expect(forged.headers['www-authenticate']).toMatch(/^Bearer/);
    });

    it('settles two concurrent first PUTs: one 201, one 200, one row, never a 500', async () => {
      const users = await Promise.all([1, 2, 3, 4, 5].map(() => registerUser(t)));
      await Promise.all(
        users.map(async (user) => {
          const responses = await Promise.all([
            putProfile(user, { displayName: 'First', bio: 'one' }),
            putProfile(user, { displayName: 'Second', bio: 'two' }),
          ]);
          expect(responses.map((r) => r.status).sort()).toEqual([200, 201]);
          const rows = await storedProfiles(user.id);
          expect(rows).toHaveLength(1);
          expect(['First', 'Second']).toContain(rows[0].display_name);
        }),
      );
    });
  });

  describe('GET /api/users/:id/profile', () => {
    it("is public and answers the user's profile", async () => {
      const user = await registerUser(t);
      const put = await putProfile(user, { displayName: 'Public Me', location: 'Oslo' }).expect(
        201,
      );

      const res = await t.http().get(`/api/users/${user.id}/profile`).expect(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toEqual({
        displayName: 'Public Me',
        bio: null,
        avatarUrl: null,
        location: 'Oslo',
        updatedAt: put.body.updatedAt,
      });
    });

    it('answers the same to another, logged-in user', async () => {
      const owner = await registerUser(t);
      const viewer = await registerUser(t);
      await putProfile(owner, { displayName: 'Seen' }).expect(201);
      const res = await t.http().get(`/api/users/${owner.id}/profile`).set(viewer.auth).expect(200);
      expect(res.body.displayName).toBe('Seen');
    });

    it('is 401 with an invalid token, even though the route is public', async () => {
      const owner = await registerUser(t);
      await putProfile(owner, { displayName: 'Seen' }).expect(201);
      const res = await t
        .http()
        .get(`/api/users/${owner.id}/profile`)
        .set('Authorization', 'Bearer not.a.jwt');
      expectProblem(res, 401);
    });

    it('is 404 when the user has no profile, and a different 404 when the user does not exist', async () => {
      const user = await registerUser(t);
      const noProfile = expectProblem(await t.http().get(`/api/users/${user.id}/profile`), 404);
      const noUser = expectProblem(
        await t.http().get(`/api/users/${MISSING_USER_ID}/profile`),
        404,
      );
      expect(typeof noProfile.detail).toBe('string');
      expect(typeof noUser.detail).toBe('string');
      expect(noProfile.detail).not.toBe(noUser.detail);
    });

    it.each(['0x10', '1e3', '0', 'abc', '-1', '99999999999'])(
      'is 400 for the id %s',
      async (id) => {
        const res = await t.http().get(`/api/users/${id}/profile`);
        const problem = expectProblem(res, 400);
        expect(problem.errors).toEqual([expect.objectContaining({ field: 'id' })]);
      },
    );
  });

  describe('DELETE /api/users/me/profile', () => {
    it('deletes the profile (204); then GET and DELETE are 404', async () => {
      const user = await registerUser(t);
      await putProfile(user, { displayName: 'Doomed' }).expect(201);

      const deleted = await t.http().delete('/api/users/me/profile').set(user.auth).expect(204);
      expect(deleted.text).toBe('');
      expect(await storedProfiles(user.id)).toEqual([]);

      expectProblem(await t.http().get(`/api/users/${user.id}/profile`), 404);
      expectProblem(await t.http().delete('/api/users/me/profile').set(user.auth), 404);
    });

    it('is 404 for a user who never had a profile', async () => {
      const user = await registerUser(t);
      expectProblem(await t.http().delete('/api/users/me/profile').set(user.auth), 404);
    });

    it('deletes only the caller’s profile', async () => {
      const mine = await registerUser(t);
      const theirs = await registerUser(t);
      await putProfile(mine, { displayName: 'Mine' }).expect(201);
      await putProfile(theirs, { displayName: 'Theirs' }).expect(201);

      await t.http().delete('/api/users/me/profile').set(mine.auth).expect(204);
      expect(await storedProfiles(theirs.id)).toHaveLength(1);
      await t.http().get(`/api/users/${theirs.id}/profile`).expect(200);
    });

    it('is 401 without a token', async () => {
      const res = await t.http().delete('/api/users/me/profile');
      expectProblem(res, 401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    });
  });

  describe('the user views embed the profile', () => {
    it('shows null, then the profile after PUT, then null after DELETE', async () => {
      const user = await registerUser(t);

      const userBefore = await t.http().get(`/api/users/${user.id}`).expect(200);
      expect(userBefore.body.profile).toBeNull();
      const meBefore = await t.http().get('/api/users/me').set(user.auth).expect(200);
      expect(meBefore.body.profile).toBeNull();

      const put = await putProfile(user, {
        displayName: 'Embedded',
        bio: 'In every view.',
        avatarUrl: 'https://example.com/e.png',
      }).expect(201);
      const expected = {
        displayName: 'Embedded',
        bio: 'In every view.',
        avatarUrl: 'https://example.com/e.png',
        location: null,
        updatedAt: put.body.updatedAt,
      };

      const userView = await t.http().get(`/api/users/${user.id}`).expect(200);
      expect(userView.body.profile).toEqual(expected);
      const meView = await t.http().get('/api/users/me').set(user.auth).expect(200);
      expect(meView.body.profile).toEqual(expected);

      await t.http().delete('/api/users/me/profile').set(user.auth).expect(204);

      const userAfter = await t.http().get(`/api/users/${user.id}`).expect(200);
      expect(userAfter.body.profile).toBeNull();
      const meAfter = await t.http().get('/api/users/me').set(user.auth).expect(200);
      expect(meAfter.body.profile).toBeNull();
    });
  });

  describe('deleting the user', () => {
    it('removes their profile row (ON DELETE CASCADE)', async () => {
      const user = await registerUser(t);
      await putProfile(user, { displayName: 'Gone Soon', bio: 'bye' }).expect(201);
      expect(await storedProfiles(user.id)).toHaveLength(1);

      await t.http().delete('/api/users/me').set(user.auth).expect(204);

      expect(await storedProfiles(user.id)).toEqual([]);
      expectProblem(await t.http().get(`/api/users/${user.id}/profile`), 404);
    });
  });
});
