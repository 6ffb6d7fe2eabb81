import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { expectProblem, registerUser, uniqueName } from './support/api.js';
import { createTestApp, type TestApp } from './support/app.js';
import { nullability, refOf, type JsonSchema } from './support/contract.js';

/** Text that betrays SQL, the driver or a stack trace. */
const LEAKS = ['QueryFailedError', 'SELECT', ' at ', 'node_modules'];

function expectNoLeaks(res: { text: string }): void {
  for (const leak of LEAKS) expect(res.text).not.toContain(leak);
}

describe('cross-cutting behaviour', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  describe('unknown routes', () => {
    it.each([
      ['GET', '/api/does-not-exist'],
      ['POST', '/api/users/me/nothing-here'],
      ['GET', '/nowhere'],
      ['DELETE', '/api'],
    ])('%s %s is a 404 problem carrying the request id', async (method, path) => {
      const res = await t.http()[method.toLowerCase() as 'get' | 'post' | 'delete'](path);
      const problem = expectProblem(res, 404);
      expect(typeof problem.type).toBe('string');
      expect(typeof problem.title).toBe('string');
      expect(typeof problem.detail).toBe('string');
      expect(res.headers['x-request-id']).toEqual(expect.any(String));
      expect(problem.requestId).toBe(res.headers['x-request-id']);
    });

    it('carries the client’s own request id when it is sane', async () => {
      const res = await t.http().get('/api/does-not-exist').set('X-Request-Id', 'trace-42');
      const problem = expectProblem(res, 404);
      expect(res.headers['x-request-id']).toBe('trace-42');
      expect(problem.requestId).toBe('trace-42');
    });
  });

  describe('request bodies', () => {
    it('malformed JSON is a 400 problem', async () => {
      const res = await t
        .http()
        .post('/api/users')
        .set('Content-Type', 'application/json')
        .send('{"email": "a@example.com", "username": ');
      expectProblem(res, 400);
      expectNoLeaks(res);
    });

    it('a body over 100 kB is a 413 problem', async () => {
      const res = await t
        .http()
        .post('/api/users')
        .send({ email: 'big@example.com', username: 'big', password: 'x'.repeat(101 * 1024) });
      expectProblem(res, 413);
      expectNoLeaks(res);
    });

    it('a body just under 100 kB is read (and then validated)', async () => {
      const res = await t
        .http()
        .post('/api/users')
        .send({ email: 'big@example.com', username: 'big', password: 'x'.repeat(99 * 1024) });
      const problem = expectProblem(res, 400);
      expect(problem.errors).toEqual([expect.objectContaining({ field: 'password' })]);
    });

    it('a body in a media type the API does not read is a 415 problem', async () => {
      const res = await t
        .http()
        .post('/api/users')
        .set('Content-Type', 'application/xml')
        .send('<user><email>a@example.com</email></user>');
      expectProblem(res, 415);
      expectNoLeaks(res);
    });

    it('a text/plain body is a 415 problem', async () => {
      const res = await t
        .http()
        .post('/api/users')
        .set('Content-Type', 'text/plain')
        .send('email=a@example.com&username=abc&password=12345678');
      expectProblem(res, 415);
      expectNoLeaks(res);
    });

    it('a form body is a 415 problem outside the OAuth2 token endpoint, and nothing is stored', async () => {
      const username = uniqueName('form');
      const res = await t
        .http()
        .post('/api/users')
        .type('form')
        .send({
          email: `${username.toLowerCase()}@example.com`,
          username,
          password: 'correct horse battery',
        });
      expectProblem(res, 415);
      const rows = await t.db.query('SELECT 1 FROM users WHERE lower(username) = lower($1)', [
        username,
      ]);
      expect(rows).toHaveLength(0);
    });

    it('an empty body labelled JSON is no body: a 400 problem where a body is needed, served where none is', async () => {
      const res = await t
        .http()
        .post('/api/users')
        .set('Content-Type', 'application/json')
        .send('');
      expect(expectProblem(res, 400).errors).toEqual([
        { field: 'body', message: 'must be a JSON object' },
      ]);
      expectNoLeaks(res);
      // Clients that label every request JSON (the RealWorld suite does) may unfollow so.
      const [follower, followee] = [await registerUser(t), await registerUser(t)];
      await t.http().post(`/api/users/${followee.id}/follow`).set(follower.auth).expect(201);
      await t
        .http()
        .delete(`/api/users/${followee.id}/follow`)
        .set(follower.auth)
        .set('Content-Type', 'application/json')
        .expect(204);
      expect(
        await t.db.query('SELECT 1 FROM follows WHERE follower_id = $1', [follower.id]),
      ).toHaveLength(0);
    });

    it('a JSON body that is not an object is a 400 problem', async () => {
      const res = await t
        .http()
        .post('/api/users')
        .set('Content-Type', 'application/json')
        .send('["a", "b"]');
      expect(expectProblem(res, 400).errors).toEqual([
        { field: 'body', message: 'must be a JSON object' },
      ]);
      expectNoLeaks(res);
    });
  });

  describe('unknown query parameters', () => {
    it('are a 400 naming the parameter on GET /api/users/me', async () => {
      const user = await registerUser(t);
      const res = await t.http().get('/api/users/me?bogus=1').set(user.auth);
      const problem = expectProblem(res, 400);
      expect(problem.errors).toEqual([expect.objectContaining({ field: 'bogus' })]);
    });

    it('are a 400 naming the parameter on GET /health', async () => {
      const res = await t.http().get('/health?verbose=true');
      const problem = expectProblem(res, 400);
      expect(problem.errors).toEqual([expect.objectContaining({ field: 'verbose' })]);
    });
  });

  describe('path ids', () => {
    it.each(['0x10', '1e3', '99999999999', '-1', '0', '1.0', '%20', '007', '2147483648'])(
      'GET /api/users/%s is a 400 problem about id, with no SQL or stack',
      async (id) => {
        const res = await t.http().get(`/api/users/${id}`);
        const problem = expectProblem(res, 400);
        expect(problem.errors).toEqual([expect.objectContaining({ field: 'id' })]);
        expectNoLeaks(res);
      },
    );

    it('the largest int4 is a valid id: 404, not 400', async () => {
      const res = await t.http().get('/api/users/2147483647');
      expectProblem(res, 404);
      expectNoLeaks(res);
    });

    it('a path parameter over 100 characters is a 400 problem (not the router’s own 414 JSON)', async () => {
      const res = await t
        .http()
        .delete(`/api/posts/1/tags/${'a'.repeat(101)}`)
        .set('X-Request-Id', 'long-1');
      const problem = expectProblem(res, 400);
      expect(problem).toMatchObject({
        detail: 'A path parameter is too long.',
        requestId: 'long-1',
      });
      expect(res.headers['x-request-id']).toBe('long-1');
      expectNoLeaks(res);
    });

    it('a path that is not valid percent-encoding is a 400 problem', async () => {
      const res = await t.http().get('/api/users/%E0%A4%A');
      expect(expectProblem(res, 400).detail).toBe('The path is not valid percent-encoding.');
      expectNoLeaks(res);
    });
  });
});

interface LogLine {
  msg?: string;
  requestId?: string;
  method?: string;
  path?: string;
  status?: number;
  durationMs?: number;
  [key: string]: unknown;
}

/** Collects an app's log output, line by line, and lets a test wait for a given line. */
class LogCollector extends Writable {
  readonly raw: string[] = [];
  private pending = '';
  private waiters: { match: (line: LogLine) => boolean; resolve: () => void }[] = [];

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.pending += chunk.toString('utf8');
    const lines = this.pending.split('\n');
    this.pending = lines.pop() ?? '';
    for (const line of lines.filter((l) => l.length > 0)) {
      this.raw.push(line);
      const parsed = JSON.parse(line) as LogLine;
      this.waiters = this.waiters.filter((w) => {
        if (!w.match(parsed)) return true;
        w.resolve();
        return false;
      });
    }
    callback();
  }

  get lines(): LogLine[] {
    return this.raw.map((line) => JSON.parse(line) as LogLine);
  }

  /** Resolves once a matching line has been written (the request's log line follows its reply). */
  waitFor(match: (line: LogLine) => boolean): Promise<void> {
    if (this.lines.some(match)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }
}

describe('request logs', () => {
  let t: TestApp;
  const logs = new LogCollector();

  beforeAll(async () => {
    t = await createTestApp({ env: { LOG_LEVEL: 'info' }, logStream: logs });
  });

  afterAll(async () => {
    await t.close();
  });

  it('writes one line per request with id, method, path, status and duration, and no secrets', async () => {
    const username = uniqueName('log');
    const password = `Pw-${randomBytes(12).toString('hex')}`;
    const email = `${username.toLowerCase()}@example.com`;

    const register = await t
      .http()
      .post('/api/users')
      .send({ email, username, password })
      .expect(201);
    const loggedIn = await t
      .http()
      .post('/api/auth/login')
      .send({ username, password })
      .expect(200);
    const token = loggedIn.body.accessToken as string;
    expect(token).toEqual(expect.any(String));
    const me = await t
      .http()
      .get('/api/users/me')
      .set('Authorization', `Bearer ${token}`)
      .set('X-Request-Id', `me-${username}`)
      .expect(200);
    const missing = await t.http().get('/api/not-here?token=abc').expect(404);

    const expected = [
      { res: register, method: 'POST', path: '/api/users', status: 201 },
      { res: loggedIn, method: 'POST', path: '/api/auth/login', status: 200 },
      { res: me, method: 'GET', path: '/api/users/me', status: 200 },
      { res: missing, method: 'GET', path: '/api/not-here', status: 404 },
    ];
    expect(me.headers['x-request-id']).toBe(`me-${username}`);

    // A request's line is written once its reply has gone out: wait for the last one, and
    // for one more request after it, so any duplicate line would have been written too.
    const completed = (id: string) => (line: LogLine) =>
      line.msg === 'request completed' && line.requestId === id;
    await Promise.all(
      expected.map(({ res }) => logs.waitFor(completed(res.headers['x-request-id']))),
    );
    const last = await t.http().get('/health').expect(200);
    await logs.waitFor(completed(last.headers['x-request-id']));

    for (const { res, method, path, status } of expected) {
      const requestId = res.headers['x-request-id'];
      expect(requestId).toEqual(expect.any(String));
      const lines = logs.lines.filter(completed(requestId));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ requestId, method, path, status });
      expect(typeof lines[0].durationMs).toBe('number');
      expect(lines[0].durationMs).toBeGreaterThanOrEqual(0);
    }

    expect(logs.raw.length).toBeGreaterThan(0);
    for (const line of logs.raw) {
      expect(line).not.toContain(password);
      expect(line).not.toContain(token);
      expect(line).not.toContain('$argon2');
      expect(line.toLowerCase()).not.toContain('authorization');
    }
  });

  it('logs a failed login without the password it was given', async () => {
    const user = await registerUser(t);
    const wrong = `Wrong-${randomBytes(12).toString('hex')}`;
    const res = await t
      .http()
      .post('/api/auth/login')
      .send({ username: user.username, password: wrong })
      .expect(401);
    const requestId = res.headers['x-request-id'];
    await logs.waitFor((line) => line.msg === 'request completed' && line.requestId === requestId);
    for (const line of logs.raw) {
      expect(line).not.toContain(wrong);
      expect(line).not.toContain(user.password);
    }
  });
});

interface Operation {
  responses?: Record<string, { content?: Record<string, unknown> }>;
  security?: Record<string, string[]>[];
}

describe('OpenAPI document and Swagger UI', () => {
  let t: TestApp;
  let doc: {
    paths: Record<string, Record<string, Operation>>;
    components: { securitySchemes: Record<string, Record<string, unknown>> };
  };

  const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'];
  function operations(): [string, Operation][] {
    return Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([method]) => METHODS.includes(method))
        .map(([method, op]): [string, Operation] => [`${method.toUpperCase()} ${path}`, op]),
    );
  }

  beforeAll(async () => {
    t = await createTestApp();
    const res = await t.http().get('/docs-json').expect(200);
    doc = res.body;
  });

  afterAll(async () => {
    await t.close();
  });

  it('describes the response classes with exactly the fields the API sends, all required', async () => {
    const schemas = (
      doc.components as unknown as {
        schemas: Record<string, { properties: Record<string, JsonSchema>; required: string[] }>;
      }
    ).schemas;
    const user = await registerUser(t);
    await t
      .http()
      .put('/api/users/me/profile')
      .set(user.auth)
      .send({ displayName: 'Doc' })
      .expect(201);
    const bodies: Record<string, Record<string, unknown>> = {
      MeResponse: (await t.http().get('/api/users/me').set(user.auth).expect(200)).body,
      UserResponse: (await t.http().get(`/api/users/${user.id}`).expect(200)).body,
      ProfileResponse: (await t.http().get(`/api/users/${user.id}/profile`).expect(200)).body,
    };
    for (const [name, body] of Object.entries(bodies)) {
      const schema = schemas[name];
      expect(Object.keys(schema.properties).sort()).toEqual(Object.keys(body).sort());
      expect([...schema.required].sort()).toEqual(Object.keys(body).sort());
    }
    for (const name of ['MeResponse', 'UserResponse']) {
      const profile = schemas[name].properties.profile;
      expect([name, nullability(profile).nullable]).toEqual([name, true]);
      expect([name, refOf(profile)]).toEqual([name, '#/components/schemas/ProfileResponse']);
    }
  });

  it('declares the OAuth2 password flow on /api/auth/login and a bearer scheme', () => {
    const schemes = doc.components.securitySchemes;
    expect(schemes.oauth2).toMatchObject({
      type: 'oauth2',
      flows: { password: { tokenUrl: '/api/auth/login' } },
    });
    expect(Object.values(schemes)).toContainEqual(
      expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    );
  });

  it('gives every /api operation a 2xx response', () => {
    const apiOps = operations().filter(([name]) => name.split(' ')[1].startsWith('/api/'));
    expect(apiOps.length).toBeGreaterThanOrEqual(10);
    const without2xx = apiOps
      .filter(([, op]) => !Object.keys(op.responses ?? {}).some((s) => /^2\d\d$/.test(s)))
      .map(([name]) => name);
    expect(without2xx).toEqual([]);
  });

  it('documents a problem+json 4xx on every operation, and only problem+json errors', () => {
    // The Conduit face's errors are RealWorld's: see the next test.
    const ops = operations().filter(([name]) => !name.split(' ')[1].startsWith('/conduit/api/'));
    const without4xx = ops
      .filter(
        ([, op]) =>
          !Object.entries(op.responses ?? {}).some(
            ([status, r]) => /^4\d\d$/.test(status) && r.content?.['application/problem+json'],
          ),
      )
      .map(([name]) => name);
    expect(without4xx).toEqual([]);

    const nonProblemErrors = ops.flatMap(([name, op]) =>
      Object.entries(op.responses ?? {})
        .filter(([status]) => /^[45]\d\d$/.test(status))
        .filter(([, r]) => !r.content?.['application/problem+json'])
        .map(([status]) => `${name} ${status}`),
    );
    expect(nonProblemErrors).toEqual([]);
  });

  it("documents the Conduit face's errors as { errors }, but for what the HTTP parser answers", () => {
    const ops = operations().filter(([name]) => name.split(' ')[1].startsWith('/conduit/api/'));
    expect(ops.length).toBeGreaterThanOrEqual(7);
    const errors = ops.flatMap(([name, op]) =>
      Object.entries(op.responses ?? {})
        .filter(([status]) => /^[45]\d\d$/.test(status))
        .map(([status, r]) => {
          const json = r.content?.['application/json'] as
            { schema?: { $ref?: string } } | undefined;
          const ref = json?.schema?.$ref ?? '';
          const format = ref.endsWith('/ConduitErrorsResponse')
            ? 'conduit'
            : r.content?.['application/problem+json']
              ? 'problem'
              : 'other';
          return `${name} ${status} ${format}`;
        }),
    );
    const expected = ops.flatMap(([name, op]) =>
      Object.keys(op.responses ?? {})
        .filter((status) => /^[45]\d\d$/.test(status))
        .map(
          (status) =>
            `${name} ${status} ${['400', '408', '431'].includes(status) ? 'problem' : 'conduit'}`,
        ),
    );
    expect(errors).toEqual(expected);
    for (const [name, op] of ops) {
      expect([name, Object.keys(op.responses ?? {})]).toEqual([
        name,
        expect.arrayContaining(['401', '422']),
      ]);
    }
  });

  it('documents 401 on every operation that requires a token', () => {
    const secured = operations().filter(([, op]) => (op.security ?? []).length > 0);
    expect(secured.map(([name]) => name)).toContain('GET /api/users/me');
    const without401 = secured.filter(([, op]) => !op.responses?.['401']).map(([name]) => name);
    expect(without401).toEqual([]);
  });

  it('documents 400 and 404 on every operation with a path id', () => {
    const withId = operations().filter(([name]) => name.includes('{id}'));
    expect(withId.map(([name]) => name)).toContain('GET /api/users/{id}/profile');
    const missing = withId
      .filter(([, op]) => !op.responses?.['400'] || !op.responses?.['404'])
      .map(([name]) => name);
    expect(missing).toEqual([]);
  });

  it('requires security on GET /api/users/me', () => {
    const security = doc.paths['/api/users/me'].get.security ?? [];
    const names = security.flatMap((requirement) => Object.keys(requirement));
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(doc.components.securitySchemes[name]).toBeDefined();
  });

  it('documents 400 and 409 on POST /api/users', () => {
    const responses = doc.paths['/api/users'].post.responses ?? {};
    expect(Object.keys(responses)).toEqual(expect.arrayContaining(['201', '400', '409']));
  });

  it('serves Swagger UI as HTML on /docs', async () => {
    const res = await t.http().get('/docs').redirects(2).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('swagger-ui');
  });

  it('logs in through the OAuth2 password flow as Swagger UI does, and the token works', async () => {
    const user = await registerUser(t);
    const form = new URLSearchParams({
      grant_type: 'password',
      username: user.username,
      password: user.password,
      scope: '',
    }).toString();

    const token = await t
      .http()
      .post('/api/auth/login')
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send(form)
      .expect(200);
    expect(token.headers['content-type']).toMatch(/^application\/json/);
    expect(token.headers['cache-control']).toContain('no-store');
    expect(token.body).toEqual({
      access_token: expect.any(String),
      token_type: 'bearer',
      expires_in: expect.any(Number),
    });
    expect(token.body.expires_in).toBeGreaterThan(0);

    const me = await t
      .http()
      .get('/api/users/me')
      .set('Authorization', `Bearer ${token.body.access_token}`)
      .expect(200);
    expect(me.body).toMatchObject({ id: user.id, username: user.username });
  });

  it('refuses an OAuth2 form with another grant type', async () => {
    const user = await registerUser(t);
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      username: user.username,
      password: user.password,
    }).toString();
    const res = await t
      .http()
      .post('/api/auth/login')
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send(form);
    const problem = expectProblem(res, 400);
    expect(problem.errors).toEqual([expect.objectContaining({ field: 'grant_type' })]);
  });

  it('answers a JSON login in camelCase, unlike the OAuth2 form', async () => {
    const user = await registerUser(t);
    const res = await t
      .http()
      .post('/api/auth/login')
      .send({ username: user.username, password: user.password })
      .expect(200);
    expect(res.body).toEqual({
      accessToken: expect.any(String),
      tokenType: 'Bearer',
      expiresIn: expect.any(Number),
    });
  });
});
