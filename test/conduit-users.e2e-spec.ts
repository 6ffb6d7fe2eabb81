import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { login, registerUser, uniqueName, type Schemas } from './support/api.js';
import { createTestApp, type TestApp } from './support/app.js';
import {
  CONDUIT,
  expectConduitError,
  registerConduitUser,
  type ConduitUser,
} from './support/conduit.js';

type UserBody = Schemas['ConduitUserResponse'];

/** Registration, login and the current user at /conduit/api, over Agora's users and profiles. */
describe('Conduit users', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  async function stored(id: number) {
    const rows: {
      email: string;
      username: string;
      token_version: number;
      bio: string | null;
      avatar_url: string | null;
      display_name: string | null;
    }[] = await t.db.query(
      `SELECT u.email, u.username, u.token_version, p.bio, p.avatar_url, p.display_name
         FROM users u LEFT JOIN profiles p ON p.user_id = u.id WHERE u.id = $1`,
      [id],
    );
    return rows[0];
  }

  async function countUsers(name: string): Promise<number> {
    const rows: { n: number }[] = await t.db.query(
      'SELECT count(*)::int AS n FROM users WHERE lower(username) = lower($1) OR lower(email) = lower($1)',
      [name],
    );
    return rows[0].n;
  }

  describe('POST /users', () => {
    it('registers: 201, the user with a working token, bio and image null', async () => {
      const username = uniqueName('reg');
      const res = await t
        .http()
        .post(`${CONDUIT}/users`)
        .send({ user: { username, email: `${username}@Example.com`, password: 'long password' } });
      expect(res.status).toBe(201);
      const body = res.body as UserBody;
      expect(body).toEqual({
        user: {
          email: `${username.toLowerCase()}@example.com`,
          token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
          username,
          bio: null,
          image: null,
        },
      });
      const me = await t
        .http()
        .get('/api/users/me')
        .set('Authorization', `Bearer ${body.user.token}`);
      expect(me.status).toBe(200);
      expect(await stored(me.body.id as number)).toMatchObject({ username, bio: null });
    });

    it('answers a taken username or email (any case) with 409 and stores nothing', async () => {
      const taken = await registerConduitUser(t);
      const other = uniqueName('reg');
      const byName = await t
        .http()
        .post(`${CONDUIT}/users`)
        .send({
          user: {
            username: taken.username.toUpperCase(),
            email: `${other}@example.com`,
            password: 'long password',
          },
        });
      expectConduitError(byName, 409, { username: ['has already been taken'] });
      const byEmail = await t
        .http()
        .post(`${CONDUIT}/users`)
        .send({
          user: { username: other, email: taken.email.toUpperCase(), password: 'long password' },
        });
      expectConduitError(byEmail, 409, { email: ['has already been taken'] });
      expect(await countUsers(other)).toBe(0);
      expect(await countUsers(`${other}@example.com`)).toBe(0);
    });

    it('answers blank and invalid fields with 422, each field by name', async () => {
      const send = (user: Record<string, unknown>) =>
        t.http().post(`${CONDUIT}/users`).send({ user });
      expectConduitError(await send({ username: '', email: '  ', password: '' }), 422, {
        username: ["can't be blank"],
        email: ["can't be blank"],
        password: ["can't be blank"],
      });
      const name = uniqueName('bad');
      expectConduitError(
        await send({ username: 'no spaces allowed', email: 'not-an-email', password: 'short' }),
        422,
        {
          username: ['must be 3 to 30 letters, digits or underscores'],
          email: ['is invalid'],
          password: ['must be 8 to 128 characters long'],
        },
      );
      expectConduitError(
        await send({
          username: name,
          email: `${'e'.repeat(250)}@example.com`,
          password: 'long password',
        }),
        422,
        { email: ['is too long (maximum is 254 characters)', 'is invalid'] },
      );
      expect(await countUsers(name)).toBe(0);
    });
  });

  describe('POST /users/login', () => {
    it('logs in by email (any case): 200, the user with a token', async () => {
      const user = await registerConduitUser(t);
      const res = await t
        .http()
        .post(`${CONDUIT}/users/login`)
        .send({ user: { email: user.email.toUpperCase(), password: user.password } });
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      const body = res.body as UserBody;
      expect(body.user).toMatchObject({
        email: user.email,
        username: user.username,
        bio: null,
        image: null,
      });
      await t
        .http()
        .get(`${CONDUIT}/user`)
        .set('Authorization', `Token ${body.user.token}`)
        .expect(200);
    });

    it('answers a wrong password and an unknown email alike: 401 credentials invalid', async () => {
      const user = await registerConduitUser(t);
      for (const attempt of [
        { email: user.email, password: 'wrong password' },
        { email: `nobody_${uniqueName()}@example.com`, password: user.password },
      ]) {
        expectConduitError(
          await t.http().post(`${CONDUIT}/users/login`).send({ user: attempt }),
          401,
          {
            credentials: ['invalid'],
          },
        );
      }
    });

    it('ignores a stale token sent along (the way to a new one stays open)', async () => {
      const user = await registerConduitUser(t);
      const res = await t
        .http()
        .post(`${CONDUIT}/users/login`)
        .set('Authorization', 'Token expired.or.garbage')
        .send({ user: { email: user.email, password: user.password } });
      expect(res.status).toBe(200);
    });

    it('answers blank or invalid fields with 422', async () => {
      expectConduitError(await t.http().post(`${CONDUIT}/users/login`).send({ user: {} }), 422, {
        email: ["can't be blank"],
        password: ["can't be blank"],
      });
      expectConduitError(
        await t
          .http()
          .post(`${CONDUIT}/users/login`)
          .send({ user: { email: 'ada', password: 'x' } }),
        422,
        { email: ['is invalid'] },
      );
    });
  });

  describe('GET /user', () => {
    it('answers the caller with the token they sent', async () => {
      const user = await registerConduitUser(t);
      const res = await t.http().get(`${CONDUIT}/user`).set(user.auth);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        user: {
          email: user.email,
          token: user.token,
          username: user.username,
          bio: null,
          image: null,
        },
      });
    });

    it('answers 401 without a token, or with a token whose user is gone', async () => {
      expectConduitError(await t.http().get(`${CONDUIT}/user`), 401, { token: ['is missing'] });
      const user = await registerConduitUser(t);
      await t.http().delete('/api/users/me').set(user.bearer).expect(204);
      expectConduitError(await t.http().get(`${CONDUIT}/user`).set(user.auth), 401, {
        token: ['is invalid'],
      });
    });
  });

  describe('PUT /user', () => {
    async function put(user: ConduitUser, changes: unknown) {
      return t.http().put(`${CONDUIT}/user`).set(user.auth).send({ user: changes });
    }

    it('sets bio and image on the profile (created, named after the user), keeps what is left out', async () => {
      const user = await registerConduitUser(t);
      const res = await put(user, { bio: '  I write.  ', image: 'https://example.com/a.png' });
      expect(res.status).toBe(200);
      expect((res.body as UserBody).user).toMatchObject({
        username: user.username,
        email: user.email,
        bio: 'I write.',
        image: 'https://example.com/a.png',
      });
      expect(await stored(user.id)).toMatchObject({
        bio: 'I write.',
        avatar_url: 'https://example.com/a.png',
        display_name: user.username,
      });
      // Left out: kept. The answer's token works.
      const again = await put(user, { bio: 'Still writing.' });
      expect((again.body as UserBody).user).toMatchObject({
        bio: 'Still writing.',
        image: 'https://example.com/a.png',
      });
      await t
        .http()
        .get(`${CONDUIT}/user`)
        .set('Authorization', `Token ${(again.body as UserBody).user.token}`)
        .expect(200);
    });

    it('clears bio and image with "" or null', async () => {
      const user = await registerConduitUser(t);
      await put(user, { bio: 'Something', image: 'https://example.com/a.png' }).then((r) =>
        expect(r.status).toBe(200),
      );
      const res = await put(user, { bio: '', image: null });
      expect((res.body as UserBody).user).toMatchObject({ bio: null, image: null });
      expect(await stored(user.id)).toMatchObject({ bio: null, avatar_url: null });
    });

    it('keeps a profile made through /api: only bio and image change', async () => {
      const user = await registerConduitUser(t);
      await t
        .http()
        .put('/api/users/me/profile')
        .set(user.bearer)
        .send({ displayName: 'Ada L.', location: 'London', bio: 'From the API' })
        .expect(201);
      const res = await put(user, { image: 'https://example.com/ada.png' });
      expect((res.body as UserBody).user).toMatchObject({
        bio: 'From the API',
        image: 'https://example.com/ada.png',
      });
      const profile = await t.http().get(`/api/users/${user.id}/profile`).expect(200);
      expect(profile.body).toMatchObject({
        displayName: 'Ada L.',
        location: 'London',
        bio: 'From the API',
        avatarUrl: 'https://example.com/ada.png',
      });
    });

    it('changes the username and email, with a token that works after the change', async () => {
      const user = await registerConduitUser(t);
      const username = uniqueName('renamed');
      const res = await put(user, { username, email: `${username}@example.org` });
      expect(res.status).toBe(200);
      const body = res.body as UserBody;
      expect(body.user).toMatchObject({ username, email: `${username.toLowerCase()}@example.org` });
      for (const token of [body.user.token, user.token]) {
        const me = await t.http().get(`${CONDUIT}/user`).set('Authorization', `Token ${token}`);
        expect(me.status).toBe(200);
        expect(me.body.user.username).toBe(username);
      }
      await t
        .http()
        .post(`${CONDUIT}/users/login`)
        .send({ user: { email: `${username}@example.org`, password: user.password } })
        .expect(200);
    });

    it('changes the password: older tokens stop working, the answered one works', async () => {
      const user = await registerConduitUser(t);
      const res = await put(user, { password: 'a brand new password' });
      expect(res.status).toBe(200);
      const token = (res.body as UserBody).user.token;
      expectConduitError(await t.http().get(`${CONDUIT}/user`).set(user.auth), 401, {
        token: ['is invalid'],
      });
      await t.http().get(`${CONDUIT}/user`).set('Authorization', `Token ${token}`).expect(200);
      expectConduitError(
        await t
          .http()
          .post(`${CONDUIT}/users/login`)
          .send({ user: { email: user.email, password: user.password } }),
        401,
      );
      await t
        .http()
        .post(`${CONDUIT}/users/login`)
        .send({ user: { email: user.email, password: 'a brand new password' } })
        .expect(200);
    });

    it('takes an empty password for "unchanged", as RealWorld settings forms send it', async () => {
      const user = await registerConduitUser(t);
      const before = await stored(user.id);
      const res = await put(user, { password: '', bio: 'x' });
      expect(res.status).toBe(200);
      expect((await stored(user.id)).token_version).toBe(before.token_version);
      await t.http().get(`${CONDUIT}/user`).set(user.auth).expect(200);
    });

    it('answers invalid fields with 422 and changes nothing', async () => {
      const user = await registerConduitUser(t);
      const before = await stored(user.id);
      expectConduitError(await put(user, { image: 'not a url', bio: 'New' }), 422, {
        image: ['must be an https URL'],
      });
      expectConduitError(await put(user, { image: 'http://example.com/a.png' }), 422, {
        image: ['must be an https URL'],
      });
      expectConduitError(await put(user, { bio: 'b'.repeat(501) }), 422, {
        bio: ['is too long (maximum is 500 characters)'],
      });
      expectConduitError(await put(user, { email: '', username: null }), 422, {
        email: ["can't be blank"],
        username: ["can't be blank"],
      });
      expectConduitError(await put(user, { bio: 42 }), 422, { bio: ['must be a string'] });
      expectConduitError(await put(user, { token: 'x' }), 422, { token: ['is not allowed'] });
      expectConduitError(
        await t.http().put(`${CONDUIT}/user`).set(user.auth).send({ bio: 'x' }),
        422,
        {
          bio: ['is not allowed'],
          user: ["can't be blank"],
        },
      );
      expect(await stored(user.id)).toEqual(before);
    });

    it('answers a taken username or email with 409, and the whole change is rolled back', async () => {
      const taken = await registerConduitUser(t);
      const user = await registerConduitUser(t);
      expectConduitError(
        await put(user, { username: taken.username.toUpperCase(), bio: 'Changed' }),
        409,
        {
          username: ['has already been taken'],
        },
      );
      expectConduitError(await put(user, { email: taken.email, bio: 'Changed' }), 409, {
        email: ['has already been taken'],
      });
      // The bio, written before in the same request's transaction: not kept.
      expect(await stored(user.id)).toMatchObject({
        username: user.username,
        email: user.email,
        bio: null,
      });
    });
  });

  describe('across the two faces', () => {
    it('a user registered through Conduit logs in through /api, and the reverse', async () => {
      const viaConduit = await registerConduitUser(t);
      const token = await login(t, viaConduit.username, viaConduit.password);
      await t.http().get('/api/users/me').set('Authorization', `Bearer ${token}`).expect(200);

      const viaApi = await registerUser(t);
      const res = await t
        .http()
        .post(`${CONDUIT}/users/login`)
        .send({ user: { email: viaApi.email, password: viaApi.password } });
      expect(res.status).toBe(200);
      expect((res.body as UserBody).user.username).toBe(viaApi.username);
      // /api's token at the Conduit face, and the face's at /api.
      await t
        .http()
        .get(`${CONDUIT}/user`)
        .set('Authorization', `Token ${viaApi.token}`)
        .expect(200);
      await t
        .http()
        .get('/api/users/me')
        .set('Authorization', `Bearer ${viaConduit.token}`)
        .expect(200);
    });

    it('a profile edited through /api shows in GET /user, and the reverse', async () => {
      const user = await registerConduitUser(t);
      await t
        .http()
        .put('/api/users/me/profile')
        .set(user.bearer)
        .send({ displayName: 'Ada', bio: 'Via the API', avatarUrl: 'https://example.com/x.png' })
        .expect(201);
      const me = await t.http().get(`${CONDUIT}/user`).set(user.auth).expect(200);
      expect((me.body as UserBody).user).toMatchObject({
        bio: 'Via the API',
        image: 'https://example.com/x.png',
      });
      await t
        .http()
        .put(`${CONDUIT}/user`)
        .set(user.auth)
        .send({ user: { bio: 'Via Conduit' } })
        .expect(200);
      const apiMe = await t.http().get('/api/users/me').set(user.bearer).expect(200);
      expect(apiMe.body.profile).toMatchObject({ displayName: 'Ada', bio: 'Via Conduit' });
    });
  });
});

describe('Conduit login limits', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      env: { LOGIN_MAX_FAILURES: '2', LOGIN_MAX_FAILURES_PER_CLIENT: '100' },
    });
  });

  afterAll(async () => {
    await t.close();
  });

  it('counts failed logins with /api’s: then 429 in Conduit’s format, with Retry-After', async () => {
    const user = await registerConduitUser(t);
    const conduitFail = () =>
      t
        .http()
        .post(`${CONDUIT}/users/login`)
        .send({ user: { email: user.email, password: 'wrong password' } });
    expectConduitError(await conduitFail(), 401, { credentials: ['invalid'] });
    // One failure through /api, on the same account (by username): the shared count is full.
    const apiFail = await t
      .http()
      .post('/api/auth/login')
      .send({ username: user.username, password: 'nope nope' });
    expect(apiFail.status).toBe(401);
    const blocked = await t
      .http()
      .post(`${CONDUIT}/users/login`)
      .send({ user: { email: user.email, password: user.password } });
    const errors = expectConduitError(blocked, 429);
    expect(Object.keys(errors)).toEqual(['request']);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    // /api refuses the account too.
    expect(
      (
        await t
          .http()
          .post('/api/auth/login')
          .send({ username: user.username, password: user.password })
      ).status,
    ).toBe(429);
  });

  it('does not count a successful login or an invalid body as a failure', async () => {
    const user = await registerConduitUser(t);
    for (let i = 0; i < 3; i++) {
      await t
        .http()
        .post(`${CONDUIT}/users/login`)
        .send({ user: { email: user.email, password: user.password } })
        .expect(200);
      expectConduitError(
        await t
          .http()
          .post(`${CONDUIT}/users/login`)
          .send({ user: { email: user.email } }),
        422,
      );
    }
  });
});
