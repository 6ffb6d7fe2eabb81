import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { securityHeaders } from '../src/http/security-headers.js';
import { MAX_JSON_DEPTH } from '../src/http/body-parsers.js';
import { createTestApp, type TestApp } from './support/app.js';
import {
  createPostAs,
  expectInvalid,
  expectProblem,
  registerUser,
  uniqueName,
  type RegisteredUser,
} from './support/api.js';
import { Contract } from './support/contract.js';
import { rawRequest, type RawResponse } from './support/raw-http.js';

/**
 * Input an attacker sends on purpose (issue 14): JSON nested thousands deep,
 * text that is not well-formed Unicode, requests the HTTP parser refuses. Each
 * gets a 400 (or 431) problem and changes nothing; none reaches a 500.
 */
describe('hostile input', () => {
  let t: TestApp;
  let contract: Contract;
  let user: RegisteredUser;
  let postId: number;

  beforeAll(async () => {
    t = await createTestApp();
    contract = await Contract.load(t);
    user = await registerUser(t);
    postId = (await createPostAs(t, user, { title: 'Hostile input target' })).id;
  });

  afterAll(async () => {
    await t.close();
  });

  /** JSON text sent as it is, signed in (supertest sends a string body unchanged). */
  function sendJson(method: 'post' | 'put' | 'patch', url: string, text: string) {
    return t.http()[method](url).set(user.auth).set('Content-Type', 'application/json').send(text);
  }

  /** What the user owns, as stored: nothing a refused request may change. */
  async function stored() {
    const [row] = await t.db.query<Record<string, unknown>[]>(
      `SELECT u.email, u.username, u.password_hash,
              (SELECT count(*)::int FROM posts p WHERE p.author_id = u.id) AS posts,
              (SELECT count(*)::int FROM comments c WHERE c.author_id = u.id) AS comments,
              (SELECT row_to_json(pr) FROM profiles pr WHERE pr.user_id = u.id) AS profile,
              (SELECT title FROM posts WHERE id = $2) AS title,
              (SELECT description FROM posts WHERE id = $2) AS description,
              (SELECT count(*)::int FROM users) AS users
         FROM users u WHERE u.id = $1`,
      [user.id, postId],
    );
    return row;
  }

  const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

  describe(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`, () => {
    const targets: [string, 'post' | 'put' | 'patch', () => string, string][] = [
      ['POST /api/auth/login', 'post', () => '/api/auth/login', 'password'],
      ['POST /api/users', 'post', () => '/api/users', 'email'],
      ['PUT /api/users/me/profile', 'put', () => '/api/users/me/profile', 'bio'],
      ['POST /api/posts', 'post', () => '/api/posts', 'tags'],
      ['PATCH /api/posts/{id}', 'patch', () => `/api/posts/${postId}`, 'title'],
      ['POST /api/posts/{id}/comments', 'post', () => `/api/posts/${postId}/comments`, 'body'],
    ];

    it.each(targets)(
      '%s: 2,500 levels (5 kB) is a 400 problem naming the limit, and nothing changes',
      async (_name, method, url, field) => {
        const before = await stored();
        const res = await sendJson(method, url(), `{"${field}":${nested(2500)}}`);
        const problem = expectProblem(res, 400);
        expect(problem.detail).toBe(
          `The request body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep.`,
        );
        expect(problem.errors).toEqual([
          {
            field: 'body',
            message: `must not nest arrays and objects more than ${MAX_JSON_DEPTH} levels deep`,
          },
        ]);
        expect(await stored()).toEqual(before);
      },
    );

    it(`reads ${MAX_JSON_DEPTH} levels (then validates them), and refuses ${MAX_JSON_DEPTH + 1}`, async () => {
      // The body object is the first level.
      const atLimit = await sendJson(
        'post',
        '/api/posts',
        `{"tags":${nested(MAX_JSON_DEPTH - 1)}}`,
      );
      expectInvalid(atLimit, 'title');
      expect(JSON.stringify(atLimit.body)).not.toContain('levels deep');
      const past = await sendJson('post', '/api/posts', `{"tags":${nested(MAX_JSON_DEPTH)}}`);
      expectInvalid(past, 'body');
      expect(String(past.body.detail)).toContain(`${MAX_JSON_DEPTH} levels deep`);
    });

    it('does not count brackets inside strings: a title of 150 "[" is stored as sent', async () => {
      const title = `${'['.repeat(150)}"\\{`;
      const res = await sendJson(
        'post',
        '/api/posts',
        JSON.stringify({ title, content: '{'.repeat(5000) }),
      ).expect(201);
      expect(res.body.title).toBe(title);
      const [row] = await t.db.query<{ title: string }[]>('SELECT title FROM posts WHERE id = $1', [
        res.body.id,
      ]);
      expect(row.title).toBe(title);
    });
  });

  describe('text that is not well-formed Unicode', () => {
    const SURROGATE = 'must be well-formed Unicode (UTF-8, with no lone surrogate)';

    it('a lone surrogate in the e-mail of a registration is a 400 naming it (it was a 500)', async () => {
      const username = uniqueName('sur');
      const res = await t
        .http()
        .post('/api/users')
        .set('Content-Type', 'application/json')
        .send(`{"email":"a\\ud800@example.com","username":"${username}","password":"long enough"}`);
      const problem = expectProblem(res, 400);
      expect(problem.errors).toEqual([{ field: 'email', message: SURROGATE }]);
      const rows = await t.db.query('SELECT 1 FROM users WHERE username = $1', [username]);
      expect(rows).toHaveLength(0);
    });

    it('a lone surrogate in a new e-mail is a 400 naming it, and the stored one stays', async () => {
      const before = await stored();
      const res = await sendJson(
        'patch',
        '/api/users/me',
        `{"email":"b\\udfff@example.com","currentPassword":"${user.password}"}`,
      );
      expect(expectProblem(res, 400).errors).toEqual([{ field: 'email', message: SURROGATE }]);
      expect(await stored()).toEqual(before);
    });

    it.each([
      ['a title', '{"title":"x\\ud83d","content":"fine"}', 'title'],
      ['a description', '{"title":"x","content":"fine","description":"y\\ud83d"}', 'description'],
      ['a tag', '{"title":"x","content":"fine","tags":["ok","\\udc00"]}', 'tags[1]'],
      ['a field name', '{"title":"x","content":"fine","\\ud800":1}', '\ufffd'],
    ])(
      'in %s, it is a 400 naming the field, not U+FFFD stored silently',
      async (_n, body, field) => {
        const before = await stored();
        const res = await sendJson('post', '/api/posts', body);
        const problem = expectProblem(res, 400);
        expect(problem.errors).toEqual([
          { field, message: field === '\ufffd' ? `(name) ${SURROGATE}` : SURROGATE },
        ]);
        expect(await stored()).toEqual(before);
      },
    );

    it('bytes that are not UTF-8 in a JSON body are a 400 naming their field (not U+FFFD)', async () => {
      const before = await stored();
      const body = Buffer.concat([
        Buffer.from('{"title":"ok","content":"bad '),
        Buffer.from([0xff, 0xc0, 0xed, 0xa0, 0x80]),
        Buffer.from('"}'),
      ]);
      // supertest would send a Buffer as JSON ({"type":"Buffer",…}): these bytes go raw.
      const res = await rawRequest(
        t,
        Buffer.concat([
          Buffer.from(
            'POST /api/posts HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\n' +
              `Authorization: ${user.auth.Authorization}\r\nContent-Length: ${body.length}\r\n\r\n`,
          ),
          body,
        ]),
      );
      expect(expectProblem(res, 400).errors).toEqual([{ field: 'content', message: SURROGATE }]);
      expect(await stored()).toEqual(before);
    });

    it.each([
      ['an encoded surrogate', 'search=%ED%A0%80', 'search'],
      ['a byte that is not UTF-8', 'tag=%FF', 'tag'],
      ['an overlong encoding', 'author=%C0%AF', 'author'],
      ['NUL', 'search=a%00b', 'search'],
    ])('%s in a query parameter is a 400 naming it', async (_name, query, field) => {
      const res = await t.http().get(`/api/posts?${query}`);
      expectInvalid(res, field);
    });

    it('a % that starts no escape stays literal text (a search for "100%")', async () => {
      await t.http().get('/api/posts?search=100%').expect(200);
    });

    it('NUL in a path parameter is a 400 naming it', async () => {
      const res = await t.http().get('/api/tags/a%00b');
      expect(expectProblem(res, 400).errors).toEqual([
        { field: 'name', message: 'must not contain NUL characters' },
      ]);
    });

    it('an OAuth2 form with a percent-encoded surrogate is a 400 naming the field', async () => {
      const res = await t
        .http()
        .post('/api/auth/login')
        .set('Content-Type', 'application/x-www-form-urlencoded')
        .send('grant_type=password&username=%ED%B0%80&password=x');
      expect(expectProblem(res, 400).errors).toEqual([{ field: 'username', message: SURROGATE }]);
    });
  });

  describe('names of Object.prototype members (class-transformer skips them: they were ignored)', () => {
    it.each(['constructor', 'toString', 'valueOf', 'hasOwnProperty'])(
      'a body field %p is a 400, and nothing is stored',
      async (name) => {
        const username = uniqueName('proto');
        const res = await t
          .http()
          .post('/api/users')
          .send({ email: `${username}@example.com`, username, password: 'long enough', [name]: 1 });
        expect(expectProblem(res, 400).errors).toEqual([
          { field: name, message: 'is not allowed' },
        ]);
        const rows = await t.db.query('SELECT 1 FROM users WHERE username = $1', [username]);
        expect(rows).toHaveLength(0);
      },
    );

    it.each(['__proto__', 'constructor', 'toString'])(
      'a query parameter %p is a 400 naming it',
      async (name) => {
        const res = await t.http().get(`/api/posts?${name}=1`);
        expect(expectProblem(res, 400).errors).toEqual([
          { field: name, message: 'is not allowed' },
        ]);
      },
    );

    it('an OAuth2 form field __proto__ is a 400', async () => {
      const res = await t
        .http()
        .post('/api/auth/login')
        .set('Content-Type', 'application/x-www-form-urlencoded')
        .send('__proto__=x&username=a&password=b');
      expect(expectProblem(res, 400).errors).toEqual([
        { field: '__proto__', message: 'is not allowed' },
      ]);
    });
  });

  describe('requests the HTTP parser refuses, before any route', () => {
    /** A problem from before routing: its request id, helmet's headers, the contract, a closed connection. */
    function expectEarlyProblem(
      res: RawResponse,
      status: number,
      [method, url]: [string, string] = ['get', '/api/posts'],
    ): void {
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toBe('application/problem+json');
      expect(res.body).toMatchObject({ type: 'about:blank', status, detail: expect.any(String) });
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.body.requestId).toBe(res.headers['x-request-id']);
      for (const [name, value] of Object.entries(securityHeaders())) {
        expect([name, res.headers[name.toLowerCase()]]).toEqual([name, value]);
      }
      expect(contract.check(method, url, res)).toEqual([]);
      expect(res.closed).toBe(true);
    }

    it('a URL over 16 KiB is a 431 problem (it was Fastify’s own JSON)', async () => {
      const res = await rawRequest(
        t,
        `GET /api/posts?search=${'a'.repeat(17_000)} HTTP/1.1\r\nHost: localhost\r\n\r\n`,
      );
      expectEarlyProblem(res, 431);
      expect(res.body.detail).toBe(
        'The request line and headers are larger than the 16 KiB limit.',
      );
    });

    it('a header over 16 KiB is a 431 problem', async () => {
      const res = await rawRequest(
        t,
        `GET /api/posts HTTP/1.1\r\nHost: localhost\r\nCookie: ${'c'.repeat(17_000)}\r\n\r\n`,
      );
      expectEarlyProblem(res, 431);
    });

    it.each([
      ['a malformed request line', 'GARBAGE\r\n\r\n'],
      ['a header line without a colon', 'GET /api/posts HTTP/1.1\r\nHost: x\r\nbroken\r\n\r\n'],
      [
        'both Content-Length and Transfer-Encoding',
        'POST /api/posts HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      ],
    ])('%s is a 400 problem', async (_name, bytes) => {
      expectEarlyProblem(await rawRequest(t, bytes), 400);
    });

    it('a broken chunk in a body is a 400 problem, and nothing is stored', async () => {
      const before = await stored();
      const body = JSON.stringify({ title: 'Chunked', content: 'never stored' });
      const res = await rawRequest(
        t,
        'POST /api/posts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
          `Authorization: ${user.auth.Authorization}\r\nTransfer-Encoding: chunked\r\n\r\n` +
          `${body.length.toString(16)}\r\n${body}\r\nzz\r\n`,
      );
      expectEarlyProblem(res, 400, ['post', '/api/posts']);
      expect(await stored()).toEqual(before);
    });

    it('documents 431 on every operation', () => {
      for (const operation of contract.operations) {
        expect([operation.name, operation.op.responses?.['431']]).toEqual([
          operation.name,
          expect.objectContaining({ content: expect.any(Object) }),
        ]);
      }
    });
  });

  describe('an invalid bearer token on an operation open to anyone', () => {
    it('POST /api/users answers 401, as documented, and registers nobody', async () => {
      const username = uniqueName('tok');
      const res = await t
        .http()
        .post('/api/users')
        .set('Authorization', 'Bearer not-a-token')
        .send({ email: `${username}@example.com`, username, password: 'long enough' });
      expectProblem(res, 401);
      // The suite's contract guard also checks this response against the document.
      expect(contract.check('post', '/api/users', res)).toEqual([]);
      const rows = await t.db.query('SELECT 1 FROM users WHERE username = $1', [username]);
      expect(rows).toHaveLength(0);
    });

    it('every operation documents 401', () => {
      for (const operation of contract.operations) {
        expect([operation.name, Object.keys(operation.op.responses ?? {})]).toEqual([
          operation.name,
          expect.arrayContaining(['401']),
        ]);
      }
    });
  });
});
