import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectProblem, registerUser } from './support/api.js';
import { createTestApp, type TestApp } from './support/app.js';
import { CONDUIT, expectConduitError, registerConduitUser } from './support/conduit.js';
import { rawRequest } from './support/raw-http.js';

/**
 * The Conduit face's error format, `{ errors: { <field or resource>: [message] } }`,
 * for every error under /conduit/api, wherever it is raised (a handler, a
 * guard, the validation pipe, Fastify's body parsers and router), while /api
 * keeps its RFC 9457 problems.
 */
describe('Conduit errors', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  async function userCount(): Promise<number> {
    const rows: { n: number }[] = await t.db.query('SELECT count(*)::int AS n FROM users');
    return rows[0].n;
  }

  it('is spoken under /conduit/api only: /api and /health answer as before', async () => {
    await t.http().get('/health').expect(200);
    expectProblem(await t.http().get('/api/users/me'), 401);
    expectProblem(await t.http().post('/api/users').send({}), 400);
    expectConduitError(await t.http().get(`${CONDUIT}/user`), 401, { token: ['is missing'] });
    // Not under the global prefix: /api/conduit/api is nothing.
    expectProblem(await t.http().get('/api/conduit/api/tags'), 404);
  });

  it('answers an unknown path under the prefix as a Conduit 404', async () => {
    const res = await t.http().get(`${CONDUIT}/no-such-thing`);
    expectConduitError(res, 404, { path: ['not found'] });
    expect(res.headers['x-request-id']).toMatch(/\S/);
  });

  it('says whether the token is missing or invalid, and reads Token and Bearer alike', async () => {
    const user = await registerConduitUser(t);
    const missing = await t.http().get(`${CONDUIT}/user`);
    expectConduitError(missing, 401, { token: ['is missing'] });
    expect(missing.headers['www-authenticate']).toBe('Token');
    for (const header of ['Token nope', 'Bearer nope', `Token ${user.token}x`]) {
      const res = await t.http().get(`${CONDUIT}/user`).set('Authorization', header);
      expectConduitError(res, 401, { token: ['is invalid'] });
      expect(res.headers['www-authenticate']).toBe('Token error="invalid_token"');
    }
    // A scheme the face does not take is no token at all.
    expectConduitError(
      await t.http().get(`${CONDUIT}/user`).set('Authorization', `Basic ${user.token}`),
      401,
      { token: ['is missing'] },
    );
    await t.http().get(`${CONDUIT}/user`).set('Authorization', `Token ${user.token}`).expect(200);
    await t.http().get(`${CONDUIT}/user`).set('Authorization', `Bearer ${user.token}`).expect(200);
    await t.http().get(`${CONDUIT}/user`).set('Authorization', `token ${user.token}`).expect(200);
  });

  it('takes an expired token for an invalid one', async () => {
    const user = await registerConduitUser(t);
    const [, payload] = user.token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<
      string,
      number
    >;
    const { JwtService } = await import('@nestjs/jwt');
    const expired = await new JwtService({
      secret: process.env.JWT_SECRET,
    }).signAsync({ sub: String(user.id), ver: claims.ver, iat: 1_000, exp: 2_000 });
    expectConduitError(
      await t.http().get(`${CONDUIT}/user`).set('Authorization', `Token ${expired}`),
      401,
      { token: ['is invalid'] },
    );
  });

  it('checks the token before the resource: 401, not 404, for an unknown profile', async () => {
    expectConduitError(await t.http().post(`${CONDUIT}/profiles/nobody_here/follow`), 401, {
      token: ['is missing'],
    });
    // Before the body too: an invalid body without a token is a 401.
    expectConduitError(await t.http().put(`${CONDUIT}/user`).send({ nope: 1 }), 401, {
      token: ['is missing'],
    });
  });

  it('answers bodies it cannot read as Conduit errors, never a 500, and stores nothing', async () => {
    const before = await userCount();
    const post = (body: string, type = 'application/json') =>
      t.http().post(`${CONDUIT}/users`).set('Content-Type', type).send(body);

    expectConduitError(await post('{"user": {'), 422, { body: ['is not valid JSON'] });
    expectConduitError(await post('not json at all'), 422, { body: ['is not valid JSON'] });
    expectConduitError(await post('hello', 'text/plain'), 415, {
      body: ['must be application/json'],
    });
    expectConduitError(await post('user[username]=a', 'application/x-www-form-urlencoded'), 415);
    expectConduitError(await post(JSON.stringify({ user: { bio: 'x'.repeat(200_000) } })), 413, {
      body: ['is too large (maximum is 100 kB)'],
    });
    // Nested past the depth limit.
    expect(
      Object.keys(expectConduitError(await post(`${'['.repeat(100)}${']'.repeat(100)}`), 422)),
    ).toEqual(['body']);
    expect(await userCount()).toBe(before);
  });

  it('answers an envelope that is missing, null, an array or not an object with a 422', async () => {
    const before = await userCount();
    const send = (body: unknown) =>
      t
        .http()
        .post(`${CONDUIT}/users`)
        .send(body as object);
    expectConduitError(await send({}), 422, { user: ["can't be blank"] });
    expectConduitError(await send({ user: null }), 422, { user: ["can't be blank"] });
    expectConduitError(await send({ user: 'ada' }), 422, { user: ['must be an object'] });
    expectConduitError(await send({ user: [] }), 422, { user: ['must be an object'] });
    expectConduitError(await send([{ user: {} }]), 422, { body: ['must be an object'] });
    expectConduitError(
      await t.http().post(`${CONDUIT}/users`).set('Content-Type', 'application/json').send('"ada"'),
      422,
      { body: ['must be an object'] },
    );
    expectConduitError(
      await t.http().post(`${CONDUIT}/users`).set('Content-Type', 'application/json').send('null'),
      422,
    );
    // The envelope's own unknown fields, and unknown fields inside it.
    expectConduitError(
      await send({
        user: { username: 'abc_def', email: 'a@example.com', password: 'long enough', id: 7 },
      }),
      422,
      { id: ['is not allowed'] },
    );
    expectConduitError(await send({ user: {}, admin: true }), 422, {
      admin: ['is not allowed'],
      username: ["can't be blank"],
      email: ["can't be blank"],
      password: ["can't be blank"],
    });
    expect(await userCount()).toBe(before);
  });

  it('names fields called like members of Object.prototype as any other (found by the fuzzer)', async () => {
    const before = await userCount();
    for (const name of ['constructor', 'toString', 'hasOwnProperty']) {
      for (const body of [
        `{"user":{"username":"proto_x","email":"p@example.com","password":"long enough"},"${name}":"x"}`,
        `{"user":{"username":"proto_x","email":"p@example.com","password":"long enough","${name}":1}}`,
      ]) {
        const res = await t
          .http()
          .post(`${CONDUIT}/users`)
          .set('Content-Type', 'application/json')
          .send(body);
        expectConduitError(res, 422, { [name]: ['is not allowed'] });
      }
    }
    expect(await userCount()).toBe(before);
  });

  it('answers wrong types with field errors, not a 500', async () => {
    const res = await t
      .http()
      .post(`${CONDUIT}/users`)
      .send({ user: { username: 42, email: ['a@example.com'], password: { p: 1 } } });
    const errors = expectConduitError(res, 422);
    expect(Object.keys(errors).sort()).toEqual(['email', 'password', 'username']);
  });

  it('answers an unknown query parameter and ill-formed text as a 422', async () => {
    expectConduitError(await t.http().get(`${CONDUIT}/tags?x=1`), 422, {
      x: ['is not a parameter of this operation'],
    });
    const user = await registerConduitUser(t);
    const res = await t
      .http()
      .put(`${CONDUIT}/user`)
      .set(user.auth)
      .set('Content-Type', 'application/json')
      .send('{"user":{"bio":"\\ud800"}}');
    expect(Object.keys(expectConduitError(res, 422))).toEqual(['bio']);
  });

  it('answers a path that is not valid percent-encoding, before routing, in its format', async () => {
    const res = await rawRequest(
      t,
      `GET ${CONDUIT}/profiles/%E0%A4%A HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`,
    );
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(Object.keys(res.body)).toEqual(['errors']);
    // /api keeps its problem.
    const api = await rawRequest(
      t,
      `GET /api/users/%E0%A4%A HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`,
    );
    expect(api.status).toBe(400);
    expect(api.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('keeps /api problems for the same kinds of failure', async () => {
    const user = await registerUser(t);
    expectProblem(
      await t
        .http()
        .patch('/api/users/me')
        .set(user.auth)
        .set('Content-Type', 'application/json')
        .send('{'),
      400,
    );
  });
});
