import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import {
  type Auth,
  expectInvalid,
  expectProblem,
  flipAt,
  login,
  marker,
  type RegisteredUser,
  registerUser,
  type Schemas,
  uniqueName,
} from './support/api.js';
import { createTestApp, type TestApp } from './support/app.js';
import {
  type Page,
  totalOf,
  UNCOUNTED,
  walkCursor as walkPages,
  walkOffset as walkOffsetPages,
} from './support/lists.js';
import { ISO_UTC, USER_KEYS } from './support/shapes.js';

const PASSWORD = 'correct horse battery';
const ME_KEYS = ['createdAt', 'email', 'id', 'profile', 'username'];

/** A page of GET /api/users. */
type ListBody = Page<Schemas['UserResponse']>;

describe('users', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  async function countUsers(where: string, params: unknown[]): Promise<number> {
    const rows: { n: number }[] = await t.db.query(
      `SELECT count(*)::int AS n FROM users WHERE ${where}`,
      params,
    );
    return rows[0].n;
  }

  async function userRow(
    id: number,
  ): Promise<{ email: string; username: string; password_hash: string } | undefined> {
    const rows: { email: string; username: string; password_hash: string }[] = await t.db.query(
      'SELECT email, username, password_hash FROM users WHERE id = $1',
      [id],
    );
    return rows[0];
  }

  /** Registers users with these exact usernames, one after another; returns their ids. */
  async function createNamed(usernames: string[]): Promise<number[]> {
    const ids: number[] = [];
    for (const username of usernames) {
      const res = await t
        .http()
        .post('/api/users')
        .send({ email: `${username.toLowerCase()}@example.com`, username, password: PASSWORD })
        .expect(201);
      ids.push(res.body.id as number);
    }
    return ids;
  }

  function list(query: Record<string, string | number>, auth?: Auth) {
    const req = t.http().get('/api/users').query(query);
    return auth ? req.set(auth) : req;
  }

  describe('POST /api/users', () => {
    it('answers 201 Me, stores the email lowercased and trimmed and an argon2id hash', async () => {
      const username = uniqueName('Reg');
      const res = await t
        .http()
        .post('/api/users')
        .send({ email: `  ${username.toUpperCase()}@Example.COM  `, username, password: PASSWORD })
        .expect(201);

      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(Object.keys(res.body).sort()).toEqual(ME_KEYS);
      expect(res.body).toEqual({
        id: expect.any(Number),
        email: `${username.toLowerCase()}@example.com`,
        username,
        createdAt: expect.stringMatching(ISO_UTC),
        profile: null,
      });
      expect(res.body.id).toBeGreaterThan(0);
      expect(res.text).not.toContain(PASSWORD);
      expect(res.text).not.toContain('argon2');

      const row = await userRow(res.body.id as number);
      expect(row?.email).toBe(`${username.toLowerCase()}@example.com`);
      expect(row?.username).toBe(username);
      expect(row?.password_hash).toMatch(/^\$argon2id\$/);
      expect(row?.password_hash).not.toContain(PASSWORD);

      const token = await login(t, username, PASSWORD);
      const me = await t
        .http()
        .get('/api/users/me')
        .set('Authorization', `Bearer ${token}`)
        .expect(200);
      expect(me.body).toEqual(res.body);
    });

    it('accepts the boundary lengths: username of 3 and 30, password of 8 and 128', async () => {
      const short = Array.from(randomBytes(3), (b) => String.fromCharCode(65 + (b % 26))).join('');
      const long = uniqueName('L').padEnd(30, 'x');
      expect(long).toHaveLength(30);
      for (const [username, password] of [
        [short, 'p'.repeat(8)],
        [long, 'p'.repeat(128)],
      ]) {
        const email = `${uniqueName('b')}@example.com`;
        const res = await t.http().post('/api/users').send({ email, username, password });
        expect(res.status).toBe(201);
        expect(res.body.username).toBe(username);
        await login(t, username, password);
      }
    });

    const base = () => {
      const username = uniqueName('inv');
      return { email: `${username}@example.com`, username, password: PASSWORD };
    };
    const without = (key: string) => (b: Record<string, unknown>) => {
      const copy = { ...b };
      delete copy[key];
      return copy;
    };
    const invalid: [string, (b: Record<string, unknown>) => Record<string, unknown>, string][] = [
      ['a malformed email', (b) => ({ ...b, email: 'not-an-email' }), 'email'],
      ['an email without a domain', (b) => ({ ...b, email: 'ada@' }), 'email'],
      [
        'an email over 254 characters',
        (b) => ({ ...b, email: `${'a'.repeat(250)}@example.com` }),
        'email',
      ],
      ['a username of 2 characters', (b) => ({ ...b, username: 'ab' }), 'username'],
      ['a username of 31 characters', (b) => ({ ...b, username: 'a'.repeat(31) }), 'username'],
      [
        'a username with a hyphen',
        (b) => ({ ...b, username: `${String(b.username)}-x` }),
        'username',
      ],
      [
        'a username with a space',
        (b) => ({ ...b, username: `ab ${String(b.username).slice(0, 20)}` }),
        'username',
      ],
      [
        'a username with a non-ASCII letter',
        (b) => ({ ...b, username: `\u00e9${String(b.username).slice(0, 20)}` }),
        'username',
      ],
      ['a numeric username', (b) => ({ ...b, username: 12345 }), 'username'],
      ['a password of 7 characters', (b) => ({ ...b, password: 'p'.repeat(7) }), 'password'],
      ['a password of 129 characters', (b) => ({ ...b, password: 'p'.repeat(129) }), 'password'],
      ['a missing email', without('email'), 'email'],
      ['a missing username', without('username'), 'username'],
      ['a missing password', without('password'), 'password'],
      ['a null email', (b) => ({ ...b, email: null }), 'email'],
      ['a null username', (b) => ({ ...b, username: null }), 'username'],
      ['a null password', (b) => ({ ...b, password: null }), 'password'],
      ['an unknown property id', (b) => ({ ...b, id: 1 }), 'id'],
      ['an unknown property isAdmin', (b) => ({ ...b, isAdmin: true }), 'isAdmin'],
      [
        'an unknown property passwordHash',
        (b) => ({ ...b, passwordHash: '$argon2id$x' }),
        'passwordHash',
      ],
    ];

    it.each(invalid)(
      'answers 400 naming the field for %s, and writes nothing',
      async (_, mutate, field) => {
        const body = base();
        const res = await t.http().post('/api/users').send(mutate(body));
        expectInvalid(res, field);
        expect(
          await countUsers('lower(username) = lower($1) OR lower(email) = lower($2)', [
            body.username,
            body.email,
          ]),
        ).toBe(0);
      },
    );

    it('answers 400 for a JSON array body and an empty object', async () => {
      const body = base();
      const array = await t
        .http()
        .post('/api/users')
        .set('Content-Type', 'application/json')
        .send(JSON.stringify([body]));
      expect(expectProblem(array, 400).errors).toEqual([
        { field: 'body', message: 'must be a JSON object' },
      ]);
      const empty = await t.http().post('/api/users').send({});
      expectInvalid(empty, 'email', 'username', 'password');
      expect(await countUsers('lower(username) = lower($1)', [body.username])).toBe(0);
    });

    it('answers 409 for a taken email, case-insensitively, and writes nothing', async () => {
      const [id] = await createNamed([uniqueName('Dup')]);
      const taken = (await userRow(id))?.email ?? '';
      const other = uniqueName('dup');
      const res = await t
        .http()
        .post('/api/users')
        .send({ email: taken.toUpperCase(), username: other, password: PASSWORD });
      const body = expectProblem(res, 409);
      expect(body.errors).toEqual([{ field: 'email', message: expect.any(String) }]);
      expect(res.text).not.toMatch(/uq_users|duplicate key|violates/);
      expect(await countUsers('lower(email) = lower($1)', [taken])).toBe(1);
      expect(await countUsers('lower(username) = lower($1)', [other])).toBe(0);
    });

    it("answers 409 for a taken username, case-insensitively ('Ada' vs 'ada'), and writes nothing", async () => {
      const name = uniqueName('Ada');
      await createNamed([name]);
      const email = `${uniqueName('other')}@example.com`;
      const res = await t
        .http()
        .post('/api/users')
        .send({ email, username: name.toLowerCase(), password: PASSWORD });
      const body = expectProblem(res, 409);
      expect(body.errors).toEqual([{ field: 'username', message: expect.any(String) }]);
      expect(await countUsers('lower(username) = lower($1)', [name])).toBe(1);
      expect(await countUsers('email = $1', [email])).toBe(0);
    });

    it('settles 10 concurrent registrations of one email: one 201, nine 409, one row', async () => {
      const email = `${uniqueName('race')}@example.com`;
      const usernames = Array.from({ length: 10 }, () => uniqueName('re'));
      const responses = await Promise.all(
        usernames.map((username) =>
          t.http().post('/api/users').send({ email, username, password: PASSWORD }),
        ),
      );
      const statuses = responses.map((r) => r.status).sort((a, b) => a - b);
      expect(statuses).toEqual([201, ...Array<number>(9).fill(409)]);
      for (const res of responses.filter((r) => r.status === 409)) {
        expect(expectProblem(res, 409).errors).toEqual([
          { field: 'email', message: expect.any(String) },
        ]);
      }
      const winner = responses.find((r) => r.status === 201);
      expect(await countUsers('lower(email) = $1', [email])).toBe(1);
      expect(await countUsers('username = ANY($1)', [usernames])).toBe(1);
      const rows: { id: number }[] = await t.db.query('SELECT id FROM users WHERE email = $1', [
        email,
      ]);
      expect(rows.map((r) => r.id)).toEqual([winner?.body.id]);
    });

    it('settles 10 concurrent registrations of one username (in varying case): one 201, nine 409, one row', async () => {
      const name = uniqueName('Race');
      const variants = Array.from({ length: 10 }, (_, i) =>
        i % 3 === 0 ? name : i % 3 === 1 ? name.toLowerCase() : name.toUpperCase(),
      );
      const emails = variants.map(() => `${uniqueName('rue')}@example.com`);
      const responses = await Promise.all(
        variants.map((username, i) =>
          t.http().post('/api/users').send({ email: emails[i], username, password: PASSWORD }),
        ),
      );
      const statuses = responses.map((r) => r.status).sort((a, b) => a - b);
      expect(statuses).toEqual([201, ...Array<number>(9).fill(409)]);
      for (const res of responses.filter((r) => r.status === 409)) {
        expect(expectProblem(res, 409).errors).toEqual([
          { field: 'username', message: expect.any(String) },
        ]);
      }
      expect(await countUsers('lower(username) = lower($1)', [name])).toBe(1);
      expect(await countUsers('email = ANY($1)', [emails])).toBe(1);
    });
  });

  describe('GET /api/users/me', () => {
    it('answers 200 Me for the caller', async () => {
      const user = await registerUser(t);
      const res = await t.http().get('/api/users/me').set(user.auth).expect(200);
      expect(Object.keys(res.body).sort()).toEqual(ME_KEYS);
      expect(res.body).toEqual({
        id: user.id,
        email: user.email,
        username: user.username,
        createdAt: expect.stringMatching(ISO_UTC),
        profile: null,
      });
    });

    it('answers 401 with WWW-Authenticate without a token or with a bad one', async () => {
      const anonymous = await t.http().get('/api/users/me');
      expectProblem(anonymous, 401);
      expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer/);
      const bad = await t.http().get('/api/users/me').set('Authorization', 'Bearer not.a.jwt');
      expectProblem(bad, 401);
      expect(bad.headers['www-authenticate']).toMatch(/^Bearer/);
    });
  });

  describe('PATCH /api/users/me', () => {
    let user: RegisteredUser;
    let other: RegisteredUser;

    beforeAll(async () => {
      other = await registerUser(t);
    });

    beforeEach(async () => {
      user = await registerUser(t);
    });

    it('checks a currentPassword that is sent even when only the username changes (403, nothing changed)', async () => {
      const res = await t
        .http()
        .patch('/api/users/me')
        .set(user.auth)
        .send({ username: uniqueName('renamed'), currentPassword: 'not the password' });
      expectProblem(res, 403);
      const me = await t.http().get('/api/users/me').set(user.auth).expect(200);
      expect(me.body.username).toBe(user.username);
    });

    it('answers 400 for NUL characters in body text, before anything reaches the database', async () => {
      const res = await t
        .http()
        .patch('/api/users/me')
        .set(user.auth)
        .send({ username: 'ab\u0000cd' });
      expect(expectProblem(res, 400).errors).toEqual([
        { field: 'username', message: 'must not contain NUL characters' },
      ]);
    });

    it('changes the username alone without currentPassword, and persists it', async () => {
      const username = uniqueName('Ren');
      const res = await t
        .http()
        .patch('/api/users/me')
        .set(user.auth)
        .send({ username })
        .expect(200);
      expect(Object.keys(res.body).sort()).toEqual(ME_KEYS);
      expect(res.body).toEqual({
        id: user.id,
        email: user.email,
        username,
        createdAt: expect.stringMatching(ISO_UTC),
        profile: null,
      });
      expect((await userRow(user.id))?.username).toBe(username);
      const me = await t.http().get('/api/users/me').set(user.auth).expect(200);
      expect(me.body.username).toBe(username);
      const view = await t.http().get(`/api/users/${user.id}`).expect(200);
      expect(view.body.username).toBe(username);
    });

    it('lets a user change the case of their own username', async () => {
      const res = await t
        .http()
        .patch('/api/users/me')
        .set(user.auth)
        .send({ username: user.username.toUpperCase() })
        .expect(200);
      expect(res.body.username).toBe(user.username.toUpperCase());
      expect((await userRow(user.id))?.username).toBe(user.username.toUpperCase());
    });

    it('answers 400 (currentPassword) for an email change without currentPassword', async () => {
      const res = await t
        .http()
        .patch('/api/users/me')
        .set(user.auth)
        .send({ email: `${uniqueName('new')}@example.com` });
      expectInvalid(res, 'currentPassword');
      expect((await userRow(user.id))?.email).toBe(user.email);
    });

    it('answers 403 for an email change with a wrong currentPassword', async () => {
      const res = await t
        .http()
        .patch('/api/users/me')
        .set(user.auth)
        .send({ email: `${uniqueName('new')}@example.com`, currentPassword: 'not the password' });
      expectProblem(res, 403);
      expect((await userRow(user.id))?.email).toBe(user.email);
    });

    it('changes the email with the right currentPassword, lowercased and trimmed', async () => {
      const fresh = `${uniqueName('new')}@example.com`;
      const res = await t
        .http()
        .patch('/api/users/me')
        .set(user.auth)
        .send({ email: ` ${fresh.toUpperCase()} `, currentPassword: user.password })
        .expect(200);
      expect(res.body.email).toBe(fresh);
      expect(res.body.username).toBe(user.username);
      expect((await userRow(user.id))?.email).toBe(fresh);
      // The token still works (only a password change revokes), and the new email logs in.
      await t.http().get('/api/users/me').set(user.auth).expect(200);
      await login(t, fresh, user.password);
    });

    it("answers 409 for another user's email or username, case-insensitively, changing nothing", async () => {
      const email = await t
        .http()
        .patch('/api/users/me')
        .set(user.auth)
        .send({ email: other.email.toUpperCase(), currentPassword: user.password });
      expect(expectProblem(email, 409).errors).toEqual([
        { field: 'email', message: expect.any(String) },
      ]);

      const username = await t
        .http()
        .patch('/api/users/me')
        .set(user.auth)
        .send({ username: other.username.toUpperCase() });
      expect(expectProblem(username, 409).errors).toEqual([
        { field: 'username', message: expect.any(String) },
      ]);

      const row = await userRow(user.id);
      expect(row?.email).toBe(user.email);
      expect(row?.username).toBe(user.username);
    });

    it.each(['email', 'username', 'password', 'currentPassword'])(
      'answers 400 for a null %s',
      async (field) => {
        const res = await t
          .http()
          .patch('/api/users/me')
          .set(user.auth)
          .send({
            [field]: null,
            ...(field === 'currentPassword' ? {} : { currentPassword: user.password }),
          });
        expectInvalid(res, field);
        const row = await userRow(user.id);
        expect(row?.email).toBe(user.email);
        expect(row?.username).toBe(user.username);
        await login(t, user.username, user.password);
      },
    );

    it.each(['id', 'isAdmin', 'passwordHash', 'tokenVersion', 'createdAt'])(
      'answers 400 for the unknown property %s',
      async (field) => {
        const res = await t
          .http()
          .patch('/api/users/me')
          .set(user.auth)
          .send({ [field]: field === 'isAdmin' ? true : 7, username: uniqueName('unk') });
        expectInvalid(res, field);
        expect((await userRow(user.id))?.username).toBe(user.username);
      },
    );

    it('answers 400 for invalid new values', async () => {
      const badName = await t
        .http()
        .patch('/api/users/me')
        .set(user.auth)
        .send({ username: 'ab-cd' });
      expectInvalid(badName, 'username');
      const badEmail = await t
        .http()
        .patch('/api/users/me')
        .set(user.auth)
        .send({ email: 'nope', currentPassword: user.password });
      expectInvalid(badEmail, 'email');
      const shortPassword = await t
        .http()
        .patch('/api/users/me')
        .set(user.auth)
        .send({ password: 'short', currentPassword: user.password });
      expectInvalid(shortPassword, 'password');
      await login(t, user.username, user.password);
    });

    it('answers 400 or 403 for a password change without or with a wrong currentPassword, keeping the password', async () => {
      const missing = await t
        .http()
        .patch('/api/users/me')
        .set(user.auth)
        .send({ password: 'a brand new password' });
      expectInvalid(missing, 'currentPassword');
      const wrong = await t
        .http()
        .patch('/api/users/me')
        .set(user.auth)
        .send({ password: 'a brand new password', currentPassword: 'wrong password' });
      expectProblem(wrong, 403);
      await login(t, user.username, user.password);
      await t.http().get('/api/users/me').set(user.auth).expect(200);
    });

    it('changes the password: old password 401, new password 200, older tokens revoked', async () => {
      const newPassword = 'a brand new password';
      const before = (await userRow(user.id))?.password_hash;
      const res = await t
        .http()
        .patch('/api/users/me')
        .set(user.auth)
        .send({ password: newPassword, currentPassword: user.password })
        .expect(200);
      expect(Object.keys(res.body).sort()).toEqual(ME_KEYS);
      expect(res.text).not.toContain(newPassword);

      const after = (await userRow(user.id))?.password_hash;
      expect(after).toMatch(/^\$argon2id\$/);
      expect(after).not.toBe(before);

      const old = await t
        .http()
        .post('/api/auth/login')
        .send({ username: user.username, password: user.password });
      expectProblem(old, 401);
      const token = await login(t, user.username, newPassword);
      await t.http().get('/api/users/me').set('Authorization', `Bearer ${token}`).expect(200);
      expectProblem(await t.http().get('/api/users/me').set(user.auth), 401);
    });

    it('answers 401 without a token', async () => {
      expectProblem(
        await t
          .http()
          .patch('/api/users/me')
          .send({ username: uniqueName('x') }),
        401,
      );
    });
  });

  describe('DELETE /api/users/me', () => {
    it('answers 204 and removes the user, their profile and their tokens', async () => {
      const user = await registerUser(t);
      await t
        .http()
        .put('/api/users/me/profile')
        .set(user.auth)
        .send({ displayName: 'Gone Soon' })
        .expect(201);
      const profiles = async () => {
        const rows: { n: number }[] = await t.db.query(
          'SELECT count(*)::int AS n FROM profiles WHERE user_id = $1',
          [user.id],
        );
        return rows[0].n;
      };
      expect(await profiles()).toBe(1);

      const res = await t.http().delete('/api/users/me').set(user.auth).expect(204);
      expect(res.text).toBe('');

      expectProblem(await t.http().get(`/api/users/${user.id}`), 404);
      expect(await countUsers('id = $1', [user.id])).toBe(0);
      expect(await profiles()).toBe(0);
      expectProblem(await t.http().get('/api/users/me').set(user.auth), 401);
      expectProblem(await t.http().delete('/api/users/me').set(user.auth), 401);
      expectProblem(
        await t
          .http()
          .post('/api/auth/login')
          .send({ username: user.username, password: user.password }),
        401,
      );

      // The email and username are free again.
      await t
        .http()
        .post('/api/users')
        .send({ email: user.email, username: user.username, password: PASSWORD })
        .expect(201);
    });

    it('answers 401 without a token', async () => {
      expectProblem(await t.http().delete('/api/users/me'), 401);
    });
  });

  describe('GET /api/users/:id', () => {
    it('answers 200 User with exactly the public fields, anonymous or authenticated', async () => {
      const user = await registerUser(t);
      const viewer = await registerUser(t);
      const anonymous = await t.http().get(`/api/users/${user.id}`).expect(200);
      expect(Object.keys(anonymous.body).sort()).toEqual(USER_KEYS);
      expect(anonymous.body).toEqual({
        id: user.id,
        username: user.username,
        createdAt: expect.stringMatching(ISO_UTC),
        profile: null,
        counts: { posts: 0, followers: 0, following: 0 },
        following: false,
      });
      expect(anonymous.text).not.toContain(user.email);

      const authenticated = await t
        .http()
        .get(`/api/users/${user.id}`)
        .set(viewer.auth)
        .expect(200);
      expect(authenticated.body).toEqual(anonymous.body);
      const self = await t.http().get(`/api/users/${user.id}`).set(user.auth).expect(200);
      expect(Object.keys(self.body).sort()).toEqual(USER_KEYS);
      expect(self.text).not.toContain(user.email);
    });

    it('embeds the profile when the user has one', async () => {
      const user = await registerUser(t);
      const put = await t
        .http()
        .put('/api/users/me/profile')
        .set(user.auth)
        .send({ displayName: 'Ada Lovelace', bio: 'Analyst of engines.', location: 'London' })
        .expect(201);
      const expected = {
        displayName: 'Ada Lovelace',
        bio: 'Analyst of engines.',
        avatarUrl: null,
        location: 'London',
        updatedAt: expect.stringMatching(ISO_UTC),
      };
      expect(put.body).toEqual(expected);

      const view = await t.http().get(`/api/users/${user.id}`).expect(200);
      expect(view.body.profile).toEqual(put.body);
      const me = await t.http().get('/api/users/me').set(user.auth).expect(200);
      expect(me.body.profile).toEqual(put.body);
      const listed = await list({ search: user.username }).expect(200);
      expect(listed.body.data).toEqual([view.body]);
    });

    it('answers 404 for ids that do not exist, up to the int4 maximum', async () => {
      const rows: { max: number }[] = await t.db.query(
        'SELECT coalesce(max(id), 0)::int AS max FROM users',
      );
      for (const id of [String(rows[0].max + 1_000_000), '2147483647']) {
        const res = await t.http().get(`/api/users/${id}`);
        expectProblem(res, 404);
      }
    });

    it.each(['0', '-1', 'abc', '1.5', '0x10', '1e3', '99999999999', '2147483648'])(
      'answers 400 (id) for the id %s',
      async (id) => {
        const res = await t.http().get(`/api/users/${id}`);
        expectInvalid(res, 'id');
      },
    );

    it('answers 401 for an invalid token even though the route is public', async () => {
      const user = await registerUser(t);
      const res = await t
        .http()
        .get(`/api/users/${user.id}`)
        .set('Authorization', `Bearer ${user.token}x`);
      expectProblem(res, 401);
    });
  });

  describe('GET /api/users', () => {
    it('answers 400 naming the parameter for a NUL character in search, never a database error', async () => {
      const res = await t.http().get('/api/users').query({ search: 'a\u0000b' });
      expect(expectProblem(res, 400).errors).toEqual([
        { field: 'search', message: 'must not contain NUL characters' },
      ]);
    });

    it('answers the list envelope of User items', async () => {
      const m = marker();
      const ids = await createNamed([`${m}a`, `${m}b`, `${m}c`]);
      const res = await list({ search: m }).expect(200);
      expect(Object.keys(res.body).sort()).toEqual(['data', 'meta']);
      // A list with search is not counted.
      expect(res.body.meta).toEqual({
        total: null,
        totalExact: null,
        limit: 20,
        offset: 0,
        nextCursor: null,
      });
      const body = res.body as ListBody;
      expect(body.data.map((u) => u.id).sort((a, b) => a - b)).toEqual(ids);
      for (const item of body.data) {
        expect(Object.keys(item).sort()).toEqual(USER_KEYS);
        expect(item).toEqual({
          id: expect.any(Number),
          username: expect.stringContaining(m),
          createdAt: expect.stringMatching(ISO_UTC),
          profile: null,
          counts: { posts: 0, followers: 0, following: 0 },
          following: false,
        });
      }
      expect(res.text).not.toContain('@example.com');
    });

    it('searches usernames as a case-insensitive substring', async () => {
      const m = marker();
      const [upper, lower] = await createNamed([`X${m.toUpperCase()}Y`, `z${m}w`]);
      await createNamed([`${m.slice(0, 6)}q${m.slice(6)}`]); // contains neither the marker nor its case variants
      for (const search of [m, m.toUpperCase(), `${m.slice(0, 4).toUpperCase()}${m.slice(4)}`]) {
        const res = await list({ search }).expect(200);
        expect(totalOf((res.body as ListBody).meta)).toEqual(UNCOUNTED);
        expect((res.body as ListBody).meta.nextCursor).toBeNull();
        expect((res.body as ListBody).data.map((u) => u.id).sort((a, b) => a - b)).toEqual([
          upper,
          lower,
        ]);
      }
      const tail = await list({ search: `${m}w` }).expect(200);
      expect((tail.body as ListBody).data.map((u) => u.id)).toEqual([lower]);
    });

    it("matches '%', '_' and '\\' literally", async () => {
      const m = marker();
      const [underscore, letter] = await createNamed([`${m}ab_cd`, `${m}abxcd`]);

      const exact = await list({ search: `${m}ab_cd` }).expect(200);
      expect(totalOf((exact.body as ListBody).meta)).toEqual(UNCOUNTED);
      expect((exact.body as ListBody).data.map((u) => u.id)).toEqual([underscore]);

      const other = await list({ search: `${m}abxcd` }).expect(200);
      expect((other.body as ListBody).data.map((u) => u.id)).toEqual([letter]);

      for (const search of [
        `${m}%`,
        `${m}ab%cd`,
        `${m}\\`,
        `${m}ab\\_cd`,
        '%',
        '\\',
        '%%',
        '\\%',
      ]) {
        const res = await list({ search }).expect(200);
        expect({ search, body: res.body as unknown }).toEqual({
          search,
          body: {
            data: [],
            meta: { total: null, totalExact: null, limit: 20, offset: 0, nextCursor: null },
          },
        });
      }
    });

    it.each([
      ['an unknown sort field', { sort: 'email' }, 'sort'],
      ['sorting by id', { sort: 'id' }, 'sort'],
      ['a sort expression', { sort: 'lower(username)' }, 'sort'],
      ['a repeated sort field', { sort: 'username,-username' }, 'sort'],
      ['a bad second sort field', { sort: 'username,password_hash' }, 'sort'],
      ['limit 0', { limit: '0' }, 'limit'],
      ['limit 101', { limit: '101' }, 'limit'],
      ['limit 1e1', { limit: '1e1' }, 'limit'],
      ['limit abc', { limit: 'abc' }, 'limit'],
      ['limit 1.5', { limit: '1.5' }, 'limit'],
      ['offset -1', { offset: '-1' }, 'offset'],
      ['offset abc', { offset: 'abc' }, 'offset'],
      ['offset and cursor together', { offset: '0', cursor: 'abc.def' }, 'cursor'],
      ['a garbage cursor', { cursor: 'garbage' }, 'cursor'],
      ['a cursor of three parts', { cursor: 'a.b.c' }, 'cursor'],
      ['an unknown query parameter', { page: '2' }, 'page'],
      ['an unknown query parameter email', { email: 'a@example.com' }, 'email'],
      ['a search over 30 characters', { search: 'a'.repeat(31) }, 'search'],
    ] as [string, Record<string, string>, string][])(
      'answers 400 (%s)',
      async (_, query, field) => {
        const res = await list(query);
        expectInvalid(res, field);
      },
    );

    it('accepts limit 1 and 100', async () => {
      const m = marker();
      await createNamed([`${m}a`, `${m}b`]);
      const one = await list({ search: m, limit: '1' }).expect(200);
      expect(one.body.data).toHaveLength(1);
      expect(one.body.meta).toEqual({
        total: null,
        totalExact: null,
        limit: 1,
        offset: 0,
        nextCursor: expect.any(String),
      });
      const hundred = await list({ search: m, limit: '100' }).expect(200);
      expect(hundred.body.data).toHaveLength(2);
      expect(hundred.body.meta).toEqual({
        total: null,
        totalExact: null,
        limit: 100,
        offset: 0,
        nextCursor: null,
      });
    });

    it('counts the list without search up to 1,000: 1000 and totalExact false at or past it', async () => {
      const m = marker();
      // 1,000 users at once, straight into the table (no password needed to be listed).
      await t.db.query(
        `INSERT INTO users (email, username, password_hash)
         SELECT $1 || 'n' || i || '@example.com', $1 || 'n' || i, 'not-a-hash'
           FROM generate_series(1, 1000) AS i`,
        [m],
      );
      try {
        const res = await list({ limit: 1 }).expect(200);
        expect((res.body as ListBody).data).toHaveLength(1);
        expect(res.body.meta).toEqual({
          total: 1000,
          totalExact: false,
          limit: 1,
          offset: 0,
          nextCursor: expect.any(String),
        });
        // The same users found by search: not counted, and nextCursor says more exist.
        const searched = await list({ search: m, limit: 100 }).expect(200);
        expect((searched.body as ListBody).data).toHaveLength(100);
        expect(searched.body.meta).toEqual({
          total: null,
          totalExact: null,
          limit: 100,
          offset: 0,
          nextCursor: expect.any(String),
        });
      } finally {
        await t.db.query(`DELETE FROM users WHERE username LIKE $1 || 'n%'`, [m]);
      }
    });

    describe('paging', () => {
      // Created in this order; case-insensitive username order is alpha, bravo, ..., golf.
      const suffixes = ['Delta', 'alpha', 'Echo', 'charlie', 'bravo', 'golf', 'Foxtrot'];
      let m: string;
      let byCreation: number[];
      let byUsername: number[];

      beforeAll(async () => {
        m = marker();
        byCreation = await createNamed(suffixes.map((s) => `${m}${s}`));
        byUsername = suffixes
          .map((s, i) => ({ key: s.toLowerCase(), id: byCreation[i] }))
          .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
          .map((x) => x.id);
      });

      const reversed = (ids: number[]) => [...ids].reverse();
      const sorts: [string, () => number[]][] = [
        ['username', () => byUsername],
        ['-username', () => reversed(byUsername)],
        ['createdAt', () => byCreation],
        ['-createdAt', () => reversed(byCreation)],
        ['followers', () => byCreation],
        ['-followers', () => reversed(byCreation)],
        ['followers,-username', () => reversed(byUsername)],
        ['-followers,createdAt', () => byCreation],
        ['username,-createdAt', () => byUsername],
      ];

      /** The offset walk (search is not counted: it ends on nextCursor null). */
      async function walkOffset(sort: string, limit: number): Promise<number[]> {
        const rows = await walkOffsetPages<{ id: number }>(
          (offset) => list({ search: m, sort, limit, offset }),
          { limit, total: null, maxPages: 50 },
        );
        expect(rows).toHaveLength(suffixes.length);
        return rows.map((u) => u.id);
      }

      async function walkCursor(sort: string, limit: number): Promise<number[]> {
        const rows = await walkPages<{ id: number }>(
          (cursor) => list({ search: m, sort, limit, ...(cursor === null ? {} : { cursor }) }),
          { limit, total: null, maxPages: 50 },
        );
        return rows.map((u) => u.id);
      }

      it.each(sorts)(
        'sort=%s: offset and cursor walks give the same order, without duplicates',
        async (sort, expected) => {
          const offsetIds = await walkOffset(sort, 2);
          const cursorIds = await walkCursor(sort, 2);
          expect(offsetIds).toEqual(expected());
          expect(cursorIds).toEqual(expected());
          expect(new Set(cursorIds).size).toBe(suffixes.length);
        },
      );

      it('uses the page size consistently across limits (cursor walk with limit 3)', async () => {
        expect(await walkCursor('-createdAt', 3)).toEqual(reversed(byCreation));
        expect(await walkCursor('username', 3)).toEqual(byUsername);
      });

      it('answers an empty last page past the end', async () => {
        const res = await list({ search: m, offset: suffixes.length }).expect(200);
        expect(res.body).toEqual({
          data: [],
          meta: {
            total: null,
            totalExact: null,
            limit: 20,
            offset: suffixes.length,
            nextCursor: null,
          },
        });
      });

      it('refuses a tampered cursor and a cursor issued for another sort', async () => {
        const first = await list({ search: m, sort: 'username', limit: 2 }).expect(200);
        const cursor = (first.body as ListBody).meta.nextCursor ?? '';
        expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
        const [payload, signature] = cursor.split('.');

        // The untouched cursor works (so the refusals below are about the changes).
        const ok = await list({ search: m, sort: 'username', limit: 2, cursor }).expect(200);
        expect((ok.body as ListBody).data.map((u) => u.id)).toEqual(byUsername.slice(2, 4));

        const tampered = [
          `${flipAt(payload, 2)}.${signature}`,
          `${flipAt(payload, -1)}.${signature}`,
          `${payload}.${flipAt(signature, 0)}`,
          `${payload}.${flipAt(signature, -1)}`,
          `${payload}.`,
          `.${signature}`,
          `${Buffer.from(JSON.stringify(['users:username,id', 'a', '1'])).toString('base64url')}.${signature}`,
        ];
        for (const bad of tampered) {
          const res = await list({ search: m, sort: 'username', limit: 2, cursor: bad });
          expectInvalid(res, 'cursor');
        }
        for (const sort of ['-createdAt', '-username', 'createdAt', 'followers']) {
          const res = await list({ search: m, sort, limit: 2, cursor });
          expectInvalid(res, 'cursor');
        }
        // No sort means the default order, which is not the one the cursor was issued for.
        expectInvalid(await list({ search: m, limit: 2, cursor }), 'cursor');
      });
    });

    it('answers 401 for an invalid token even though the route is public', async () => {
      expectProblem(await list({ search: marker() }, { Authorization: 'Bearer nope' }), 401);
    });
  });

  describe('query budgets', () => {
    it('GET /api/users/:id, authenticated, runs at most 2 statements', async () => {
      const user = await registerUser(t);
      const viewer = await registerUser(t);
      await t
        .http()
        .put('/api/users/me/profile')
        .set(user.auth)
        .send({ displayName: 'Counted' })
        .expect(201);
      const count = await t.countQueries(() =>
        t.http().get(`/api/users/${user.id}`).set(viewer.auth).expect(200),
      );
      expect(count).toBeGreaterThan(0);
      expect(count).toBeLessThanOrEqual(2);
    });

    it('GET /api/users runs at most 3 statements whatever the page size', async () => {
      const m = marker();
      const names = Array.from({ length: 12 }, (_, i) => `${m}n${String(i).padStart(2, '0')}`);
      await createNamed(names);
      // Half of them with a profile, so the page has both shapes.
      for (const name of names.filter((_, i) => i % 2 === 0)) {
        const token = await login(t, name, PASSWORD);
        await t
          .http()
          .put('/api/users/me/profile')
          .set('Authorization', `Bearer ${token}`)
          .send({ displayName: name })
          .expect(201);
      }
      const viewer = await registerUser(t);

      let small: ListBody | undefined;
      let large: ListBody | undefined;
      const one = await t.countQueries(async () => {
        small = (await list({ search: m, limit: 1 }, viewer.auth).expect(200)).body as ListBody;
      });
      const fifty = await t.countQueries(async () => {
        large = (await list({ search: m, limit: 50 }, viewer.auth).expect(200)).body as ListBody;
      });
      expect(small?.data).toHaveLength(1);
      expect(large?.data).toHaveLength(12);
      expect(large?.data.filter((u) => u.profile !== null)).toHaveLength(6);
      expect(one).toBeGreaterThan(0);
      expect(fifty).toBe(one);
      expect(fifty).toBeLessThanOrEqual(3);

      const cursorPage = await t.countQueries(() =>
        list({ search: m, limit: 50, cursor: small?.meta.nextCursor ?? '' }, viewer.auth).expect(
          200,
        ),
      );
      expect(cursorPage).toBeLessThanOrEqual(2);
    });
  });
});
