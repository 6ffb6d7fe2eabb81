import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import {
  expectProblem,
  login,
  registerUser,
  uniqueName,
  type RegisteredUser,
} from './support/api.js';
import { createTestApp, type TestApp } from './support/app.js';

// Hand-made JWTs: the tamper tests must not trust the library under test to build them.
const SECRET = process.env.JWT_SECRET ?? '';
const HOUR = 3600;

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function jwt(
  payload: Record<string, unknown>,
  options: { alg?: string; secret?: string; hash?: 'sha256' | 'sha512' } = {},
): string {
  const signingInput = `${b64url({ alg: options.alg ?? 'HS256', typ: 'JWT' })}.${b64url(payload)}`;
  const signature = createHmac(options.hash ?? 'sha256', options.secret ?? SECRET)
    .update(signingInput)
    .digest('base64url');
  return `${signingInput}.${signature}`;
}

function decodePart(token: string, index: 0 | 1): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[index], 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** The claims Agora itself issues to a user who never changed their password. */
function claimsOf(user: { id: number }): Record<string, unknown> {
  const iat = nowSeconds();
  return { sub: String(user.id), ver: 0, iat, exp: iat + HOUR };
}

function bearer(token: string): { Authorization: string } {
  return { Authorization: `Bearer ${token}` };
}

/** Nothing secret or internal in a response, whatever its status. */
function expectNoSecrets(res: { text: string }, password?: string): void {
  expect(res.text).not.toContain('$argon2');
  expect(res.text).not.toMatch(/passwordHash|password_hash|tokenVersion|token_version/i);
  if (password !== undefined) expect(res.text).not.toContain(password);
}

describe('auth: login and the JWT guard', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  describe('POST /api/auth/login with JSON', () => {
    it('answers a Bearer token that is not cached and opens GET /api/users/me', async () => {
      const username = uniqueName();
      const password = 'login json password';
      const created = await t
        .http()
        .post('/api/users')
        .send({ email: `${username.toLowerCase()}@example.com`, username, password })
        .expect(201);

      const res = await t.http().post('/api/auth/login').send({ username, password }).expect(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toEqual({
        accessToken: expect.any(String),
        tokenType: 'Bearer',
        expiresIn: HOUR,
      });
      expectNoSecrets(res, password);

      const token = res.body.accessToken as string;
      expect(decodePart(token, 0)).toEqual({ alg: 'HS256', typ: 'JWT' });
      const claims = decodePart(token, 1);
      expect(claims).toEqual({
        sub: String(created.body.id),
        ver: 0,
        iat: expect.any(Number),
        exp: expect.any(Number),
      });
      expect((claims.exp as number) - (claims.iat as number)).toBe(HOUR);

      const me = await t.http().get('/api/users/me').set(bearer(token)).expect(200);
      expect(me.body).toEqual({
        id: created.body.id,
        email: `${username.toLowerCase()}@example.com`,
        username,
        createdAt: created.body.createdAt,
        profile: null,
      });
      expectNoSecrets(me, password);
    });

    it('accepts the email (in any case) or the username in another case as the username', async () => {
      const user = await registerUser(t, { username: uniqueName('Case') });

      for (const name of [
        user.email,
        user.email.toUpperCase(),
        user.username.toLowerCase(),
        ` ${user.username} `,
      ]) {
        const res = await t
          .http()
          .post('/api/auth/login')
          .send({ username: name, password: user.password });
        expect({ name, status: res.status }).toEqual({ name, status: 200 });
        expect(decodePart(res.body.accessToken as string, 1).sub).toBe(String(user.id));
        const me = await t
          .http()
          .get('/api/users/me')
          .set(bearer(res.body.accessToken as string))
          .expect(200);
        expect(me.body.id).toBe(user.id);
      }
    });

    it('answers 400 with one error per missing field', async () => {
      const empty = await t.http().post('/api/auth/login').send({});
      const body = expectProblem(empty, 400);
      expect((body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual([
        'password',
        'username',
      ]);

      const noPassword = await t.http().post('/api/auth/login').send({ username: uniqueName() });
      expect(expectProblem(noPassword, 400).errors).toEqual([
        { field: 'password', message: expect.any(String) },
      ]);

      const blankUsername = await t
        .http()
        .post('/api/auth/login')
        .send({ username: '   ', password: 'whatever1' });
      expect(expectProblem(blankUsername, 400).errors).toEqual([
        { field: 'username', message: expect.any(String) },
      ]);
    });

    it('answers 400 for an unknown property, without echoing the password', async () => {
      const user = await registerUser(t);
      const res = await t
        .http()
        .post('/api/auth/login')
        .send({ username: user.username, password: user.password, userId: 1 });
      expect(expectProblem(res, 400).errors).toEqual([
        { field: 'userId', message: expect.any(String) },
      ]);
      expectNoSecrets(res, user.password);

      const tooLong = 'p'.repeat(129);
      const long = await t
        .http()
        .post('/api/auth/login')
        .send({ username: user.username, password: tooLong });
      expect(expectProblem(long, 400).errors).toEqual([
        { field: 'password', message: expect.any(String) },
      ]);
      expectNoSecrets(long, tooLong);
    });

    it('answers the same 401 for an unknown user and for a wrong password', async () => {
      const user = await registerUser(t);

      const wrongPassword = await t
        .http()
        .post('/api/auth/login')
        .send({ username: user.username, password: 'not the password' });
      const unknownUser = await t
        .http()
        .post('/api/auth/login')
        .send({ username: uniqueName('ghost'), password: 'not the password' });

      const a = expectProblem(wrongPassword, 401);
      const b = expectProblem(unknownUser, 401);
      const { requestId: _ra, instance: _ia, ...sameA } = a;
      const { requestId: _rb, instance: _ib, ...sameB } = b;
      expect(sameA).toEqual(sameB);
      expect(typeof sameA.detail).toBe('string');
      expect(wrongPassword.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(unknownUser.headers['www-authenticate']).toBe(
        wrongPassword.headers['www-authenticate'],
      );
      expect(wrongPassword.headers['cache-control']).toBe(unknownUser.headers['cache-control']);
      expectNoSecrets(wrongPassword, 'not the password');
      expectNoSecrets(unknownUser, 'not the password');

      // Passwords are case-sensitive.
      const shouted = await t
        .http()
        .post('/api/auth/login')
        .send({ username: user.username, password: user.password.toUpperCase() });
      expectProblem(shouted, 401);
    });
  });

  describe('POST /api/auth/login as an OAuth2 password grant', () => {
    it('accepts client credentials sent as HTTP Basic, as Swagger UI can send them', async () => {
      const user = await registerUser(t);
      const res = await t
        .http()
        .post('/api/auth/login')
        .set('Authorization', `Basic ${Buffer.from('swagger-ui:').toString('base64')}`)
        .type('form')
        .send({ grant_type: 'password', username: user.username, password: user.password })
        .expect(200);
      expect(res.body.token_type).toBe('bearer');
    });

    it('answers the RFC 6749 token response, usable as a bearer token', async () => {
      const user = await registerUser(t);
      const res = await t
        .http()
        .post('/api/auth/login')
        .type('form')
        .send({ grant_type: 'password', username: user.username, password: user.password })
        .expect(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toEqual({
        access_token: expect.any(String),
        token_type: 'bearer',
        expires_in: HOUR,
      });
      expectNoSecrets(res, user.password);

      const me = await t
        .http()
        .get('/api/users/me')
        .set(bearer(res.body.access_token as string))
        .expect(200);
      expect(me.body.id).toBe(user.id);
    });

    it("accepts the grant's scope, client_id and client_secret, and a form without grant_type", async () => {
      const user = await registerUser(t);
      const full = await t
        .http()
        .post('/api/auth/login')
        .type('form')
        .send(
          `grant_type=password&username=${encodeURIComponent(user.email)}` +
            `&password=${encodeURIComponent(user.password)}&scope=&client_id=swagger-ui&client_secret=s3cret`,
        )
        .expect(200);
      expect(full.body.token_type).toBe('bearer');
      await t
        .http()
        .get('/api/users/me')
        .set(bearer(full.body.access_token as string))
        .expect(200);

      const bare = await t
        .http()
        .post('/api/auth/login')
        .type('form')
        .send({ username: user.username, password: user.password })
        .expect(200);
      expect(bare.body).toEqual({
        access_token: expect.any(String),
        token_type: 'bearer',
        expires_in: HOUR,
      });
    });

    it('answers 400 on grant_type for a grant other than password', async () => {
      const user = await registerUser(t);
      for (const grant of ['client_credentials', 'authorization_code', 'PASSWORD', '']) {
        const res = await t
          .http()
          .post('/api/auth/login')
          .type('form')
          .send({ grant_type: grant, username: user.username, password: user.password });
        const body = expectProblem(res, 400);
        expect({ grant, errors: body.errors }).toEqual({
          grant,
          errors: [{ field: 'grant_type', message: expect.any(String) }],
        });
        expect(res.body.access_token).toBeUndefined();
      }
    });

    it('answers 400 with one error per missing field', async () => {
      const none = await t
        .http()
        .post('/api/auth/login')
        .type('form')
        .send({ grant_type: 'password' });
      const body = expectProblem(none, 400);
      expect((body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual([
        'password',
        'username',
      ]);

      const noUsername = await t
        .http()
        .post('/api/auth/login')
        .type('form')
        .send({ grant_type: 'password', password: 'whatever1' });
      expect(expectProblem(noUsername, 400).errors).toEqual([
        { field: 'username', message: expect.any(String) },
      ]);
    });

    it('answers the same 401 as JSON for wrong credentials', async () => {
      const user = await registerUser(t);
      const res = await t
        .http()
        .post('/api/auth/login')
        .type('form')
        .send({ grant_type: 'password', username: user.username, password: 'not the password' });
      expectProblem(res, 401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      expectNoSecrets(res, 'not the password');
    });
  });

  describe('the JWT guard on GET /api/users/me', () => {
    it('accepts a token hand-signed with HS256 and the claims Agora issues (the control for what follows)', async () => {
      const user = await registerUser(t);
      const res = await t
        .http()
        .get('/api/users/me')
        .set(bearer(jwt(claimsOf(user))))
        .expect(200);
      expect(res.body.id).toBe(user.id);
    });

    const tampered: [string, (victim: RegisteredUser, other: RegisteredUser) => string][] = [
      [
        'alg none, unsigned',
        (v) => `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claimsOf(v))}.`,
      ],
      [
        'alg none, with the original signature',
        (v) => {
          const [, payload, signature] = v.token.split('.');
          return `${b64url({ alg: 'none', typ: 'JWT' })}.${payload}.${signature}`;
        },
      ],
      [
        'payload changed (sub swapped), signature kept',
        (v, other) => {
          const [header, , signature] = other.token.split('.');
          return `${header}.${b64url({ ...decodePart(other.token, 1), sub: String(v.id) })}.${signature}`;
        },
      ],
      [
        'signed with a wrong secret',
        (v) => jwt(claimsOf(v), { secret: `${SECRET}-but-not-quite` }),
      ],
      ['HS512 with the right secret', (v) => jwt(claimsOf(v), { alg: 'HS512', hash: 'sha512' })],
      ['header HS256 but an HS512 signature', (v) => jwt(claimsOf(v), { hash: 'sha512' })],
      [
        'expired',
        (v) => jwt({ ...claimsOf(v), iat: nowSeconds() - 2 * HOUR, exp: nowSeconds() - 60 }),
      ],
      [
        'older than the token lifetime, even with a far exp',
        (v) =>
          jwt({
            ...claimsOf(v),
            iat: nowSeconds() - 2 * HOUR,
            exp: nowSeconds() + 365 * 24 * HOUR,
          }),
      ],
      [
        'without exp',
        (v) => {
          const { exp: _exp, ...claims } = claimsOf(v);
          return jwt(claims);
        },
      ],
      [
        'without iat',
        (v) => {
          const { iat: _iat, ...claims } = claimsOf(v);
          return jwt(claims);
        },
      ],
      [
        'without ver',
        (v) => {
          const { ver: _ver, ...claims } = claimsOf(v);
          return jwt(claims);
        },
      ],
      ['with a ver the user does not have', (v) => jwt({ ...claimsOf(v), ver: 1 })],
      ['sub not a number', (v) => jwt({ ...claimsOf(v), sub: `user-${v.id}` })],
      ['sub a JSON number instead of a string', (v) => jwt({ ...claimsOf(v), sub: v.id })],
      ['sub zero', (v) => jwt({ ...claimsOf(v), sub: '0' })],
      [
        'sub beyond int4',
        () => jwt({ sub: '9999999999', ver: 0, iat: nowSeconds(), exp: nowSeconds() + HOUR }),
      ],
      ['a garbage string', () => 'this-is-not-a-jwt'],
      ['two parts only', (v) => v.token.split('.').slice(0, 2).join('.')],
    ];

    it.each(tampered)(
      'refuses a token %s with 401 and a Bearer challenge',
      async (_name, build) => {
        const victim = await registerUser(t);
        const other = await registerUser(t);
        // The victim's genuine token works: only the tampering below can explain a 401.
        await t.http().get('/api/users/me').set(victim.auth).expect(200);

        const res = await t
          .http()
          .get('/api/users/me')
          .set(bearer(build(victim, other)));
        const body = expectProblem(res, 401);
        expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
        expect(body.id).toBeUndefined();
        expect(res.text).not.toContain(victim.email);
        expectNoSecrets(res);
      },
    );

    it('refuses Basic credentials and an empty Bearer with 401 and a Bearer challenge', async () => {
      const user = await registerUser(t);
      const basic = `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`;
      for (const authorization of [basic, 'Bearer ', 'Bearer', user.token]) {
        const res = await t.http().get('/api/users/me').set('Authorization', authorization);
        expect({ authorization, status: res.status }).toEqual({ authorization, status: 401 });
        expectProblem(res, 401);
        expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
        expectNoSecrets(res, user.password);
      }
    });

    it.each([
      ['GET', '/api/users/me'],
      ['PATCH', '/api/users/me'],
      ['DELETE', '/api/users/me'],
      ['PUT', '/api/users/me/profile'],
    ])('%s %s without a token → 401 with WWW-Authenticate: Bearer', async (method, path) => {
      const res = await t
        .http()
        [method.toLowerCase() as 'get' | 'patch' | 'delete' | 'put'](path)
        .send({});
      expectProblem(res, 401);
      expect(res.headers['www-authenticate']).toBe('Bearer');
    });
  });

  describe('revocation', () => {
    it('refuses the token of a deleted user, on protected and public routes', async () => {
      const user = await registerUser(t);
      const other = await registerUser(t);
      await t.http().get(`/api/users/${other.id}`).set(user.auth).expect(200);

      await t.http().delete('/api/users/me').set(user.auth).expect(204);

      const me = await t.http().get('/api/users/me').set(user.auth);
      expectProblem(me, 401);
      expect(me.headers['www-authenticate']).toMatch(/^Bearer/);
      expectProblem(await t.http().get(`/api/users/${other.id}`).set(user.auth), 401);
      expectProblem(await t.http().delete('/api/users/me').set(user.auth), 401);
      // And the account cannot log in any more.
      expectProblem(
        await t
          .http()
          .post('/api/auth/login')
          .send({ username: user.username, password: user.password }),
        401,
      );
    });

    it('refuses tokens issued before a password change; a new login works', async () => {
      const user = await registerUser(t);
      const second = await login(t, user.email, user.password);
      const newPassword = 'a brand new password';

      const changed = await t
        .http()
        .patch('/api/users/me')
        .set(user.auth)
        .send({ password: newPassword, currentPassword: user.password })
        .expect(200);
      expectNoSecrets(changed, newPassword);
      expectNoSecrets(changed, user.password);

      for (const old of [user.token, second, jwt(claimsOf(user))]) {
        const res = await t.http().get('/api/users/me').set(bearer(old));
        expectProblem(res, 401);
        expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      }

      expectProblem(
        await t
          .http()
          .post('/api/auth/login')
          .send({ username: user.username, password: user.password }),
        401,
      );
      const fresh = await login(t, user.username, newPassword);
      expect(decodePart(fresh, 1).ver).toBe(1);
      const me = await t.http().get('/api/users/me').set(bearer(fresh)).expect(200);
      expect(me.body.id).toBe(user.id);
    });

    it('keeps tokens valid across a username change', async () => {
      const user = await registerUser(t);
      const username = uniqueName('renamed');
      await t.http().patch('/api/users/me').set(user.auth).send({ username }).expect(200);
      const me = await t.http().get('/api/users/me').set(user.auth).expect(200);
      expect(me.body.username).toBe(username);
    });
  });

  describe('public routes', () => {
    it('GET /api/users/:id works without a token and with a valid one, but an invalid token is 401', async () => {
      const user = await registerUser(t);
      const viewer = await registerUser(t);

      const anonymous = await t.http().get(`/api/users/${user.id}`).expect(200);
      expect(anonymous.body).toMatchObject({
        id: user.id,
        username: user.username,
        following: false,
      });
      expectNoSecrets(anonymous, user.password);
      expect(anonymous.text).not.toContain(user.email);

      await t.http().get(`/api/users/${user.id}`).set(viewer.auth).expect(200);

      for (const token of [
        'garbage',
        jwt(claimsOf(viewer), { secret: `${SECRET}-wrong` }),
        jwt({ ...claimsOf(viewer), iat: nowSeconds() - 2 * HOUR, exp: nowSeconds() - 1 }),
      ]) {
        const res = await t.http().get(`/api/users/${user.id}`).set(bearer(token));
        expectProblem(res, 401);
        expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      }
      expectProblem(await t.http().get('/api/users').set(bearer('garbage')), 401);
    });
  });
});

describe('auth: failed-login limiting', () => {
  let t: TestApp;
  // Each test is its own client (X-Forwarded-For, trusted from loopback), so their failures do not add up.
  let clients = 0;
  const newClient = (): string => {
    clients += 1;
    return `198.51.100.${clients}`;
  };

  beforeAll(async () => {
    t = await createTestApp({
      env: { LOGIN_MAX_FAILURES: '3', LOGIN_MAX_FAILURES_PER_CLIENT: '6', TRUST_PROXY: 'loopback' },
    });
  });

  afterAll(async () => {
    await t.close();
  });

  function attempt(client: string, username: string, password: string) {
    return t
      .http()
      .post('/api/auth/login')
      .set('X-Forwarded-For', client)
      .send({ username, password });
  }

  function expectTooMany(res: {
    status: number;
    headers: Record<string, string>;
    body: Record<string, unknown>;
  }) {
    expectProblem(res, 429);
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
    const seconds = Number(res.headers['retry-after']);
    expect(seconds).toBeGreaterThanOrEqual(1);
    expect(seconds).toBeLessThanOrEqual(900);
    expect(res.body.accessToken).toBeUndefined();
  }

  it('blocks an account after 3 failures, even with the right password and from another client', async () => {
    const user = await registerUser(t);
    const bystander = await registerUser(t);
    const client = newClient();

    for (let i = 0; i < 3; i++) {
      expectProblem(await attempt(client, user.username, `wrong password ${i}`), 401);
    }
    expectTooMany(await attempt(client, user.username, user.password));
    expectTooMany(await attempt(newClient(), user.username, user.password));
    expectTooMany(await attempt(newClient(), user.username.toUpperCase(), user.password));

    // Another account is still fine, from the same client.
    const ok = await attempt(client, bystander.username, bystander.password).expect(200);
    expect(ok.body.tokenType).toBe('Bearer');
    // A token issued before the lockout still works: limiting is about logins only.
    await t.http().get('/api/users/me').set(user.auth).expect(200);
  });

  it('blocks a client whose failures are spread over several accounts', async () => {
    const accounts = await Promise.all([registerUser(t), registerUser(t), registerUser(t)]);
    const fresh = await registerUser(t);
    const client = newClient();

    for (const account of accounts) {
      for (let i = 0; i < 2; i++) {
        expectProblem(await attempt(client, account.username, `wrong password ${i}`), 401);
      }
    }
    // 6 failures from this client, none of the accounts at its own limit.
    expectTooMany(await attempt(client, fresh.username, fresh.password));
    expectTooMany(await attempt(client, uniqueName('ghost'), 'whatever1'));

    // The same accounts from another client are fine.
    await attempt(newClient(), fresh.username, fresh.password).expect(200);
    await attempt(newClient(), accounts[0].username, accounts[0].password).expect(200);
  });

  it('counts failures for unknown accounts against the client too', async () => {
    const user = await registerUser(t);
    const client = newClient();
    for (let i = 0; i < 6; i++) {
      expectProblem(await attempt(client, uniqueName('ghost'), 'whatever1'), 401);
    }
    expectTooMany(await attempt(client, user.username, user.password));
  });

  it("clears an account's failures on a successful login", async () => {
    const user = await registerUser(t);
    const client = newClient();

    for (let i = 0; i < 2; i++)
      expectProblem(await attempt(client, user.username, 'wrong password'), 401);
    await attempt(client, user.username, user.password).expect(200);
    // Without the reset these would be failures 3 and 4, and the login after them a 429.
    for (let i = 0; i < 2; i++)
      expectProblem(await attempt(client, user.username, 'wrong password'), 401);
    await attempt(client, user.username, user.password).expect(200);

    // The limit still applies after a reset.
    for (let i = 0; i < 3; i++)
      expectProblem(await attempt(newClient(), user.username, 'wrong password'), 401);
    expectTooMany(await attempt(client, user.username, user.password));
  });

  it('does not count a malformed login (400) against the client or the account', async () => {
    const user = await registerUser(t);
    const client = newClient();
    // More than either limit: each is counted as it begins, then taken back as no failure.
    for (let i = 0; i < 8; i++) {
      expectProblem(
        await t
          .http()
          .post('/api/auth/login')
          .set('X-Forwarded-For', client)
          .send({ username: user.username, password: '' }),
        400,
      );
    }
    const ok = await attempt(client, user.username, user.password).expect(200);
    expect(ok.body.tokenType).toBe('Bearer');
  });

  it('does not let concurrent guesses slip past the limit', async () => {
    const user = await registerUser(t);
    const client = newClient();
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => attempt(client, user.username, `concurrent guess ${i}`)),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([401, 401, 401, 429, 429, 429, 429, 429]);
    expectTooMany(await attempt(newClient(), user.username, user.password));
  });

  it('counts failures against the account whether it is named by username or email', async () => {
    const user = await registerUser(t);
    const client = newClient();
    expectProblem(await attempt(client, user.username, 'wrong password'), 401);
    expectProblem(await attempt(client, user.email, 'wrong password'), 401);
    expectProblem(await attempt(client, user.username.toUpperCase(), 'wrong password'), 401);
    expectTooMany(await attempt(newClient(), user.email, user.password));
    expectTooMany(await attempt(newClient(), user.username, user.password));
  });
});

describe('auth: X-Forwarded-For from an untrusted peer', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      env: { LOGIN_MAX_FAILURES: '3', LOGIN_MAX_FAILURES_PER_CLIENT: '6' },
    });
  });

  afterAll(async () => {
    await t.close();
  });

  it('does not let a client escape its limit by inventing addresses', async () => {
    const user = await registerUser(t);
    for (let i = 0; i < 6; i++) {
      const res = await t
        .http()
        .post('/api/auth/login')
        .set('X-Forwarded-For', `203.0.113.${i + 1}`)
        .send({ username: uniqueName('ghost'), password: 'whatever1' });
      expectProblem(res, 401);
    }
    const blocked = await t
      .http()
      .post('/api/auth/login')
      .set('X-Forwarded-For', '203.0.113.99')
      .send({ username: user.username, password: user.password });
    expectProblem(blocked, 429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });
});
