import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CONTENT_SECURITY_POLICY } from '../src/http/security-headers.js';
import { createTestApp, takeContractViolations, type TestApp } from './support/app.js';
import { expectProblem, registerUser, uniqueName, type RegisteredUser } from './support/api.js';
import { Contract } from './support/contract.js';

/** The policy as a header carries it: `name value value; name value`. */
function directives(header: string): Record<string, string[]> {
  return Object.fromEntries(
    header
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0] !== '')
      .map(([name, ...values]) => [name, values]),
  );
}

describe('security headers', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it.each([
    ['a JSON read', '/api/posts', 200],
    ['a problem', '/api/does-not-exist', 404],
    ['the health check', '/health', 200],
    ['Swagger UI', '/docs', 200],
  ])('sends them on %s, and no X-Powered-By', async (_name, path, status) => {
    const res = await t.http().get(path).redirects(2).expect(status);
    expect(directives(String(res.headers['content-security-policy']))).toEqual(
      Object.fromEntries(
        Object.entries(CONTENT_SECURITY_POLICY).map(([name, values]) => [name, [...values]]),
      ),
    );
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(res.headers['strict-transport-security']).toMatch(/^max-age=\d+/);
    expect(res.headers['x-powered-by']).toBeUndefined();
    // helmet's whole set, not only the headers checked by value above.
    expect(res.headers).toMatchObject({
      'cross-origin-resource-policy': 'same-origin',
      'origin-agent-cluster': '?1',
      'x-dns-prefetch-control': 'off',
      'x-download-options': 'noopen',
      'x-permitted-cross-domain-policies': 'none',
      'x-xss-protection': '0',
    });
  });

  it('lets Swagger UI load under the policy: no inline script, every script and stylesheet served by Agora', async () => {
    const page = await t.http().get('/docs').redirects(2).expect(200);
    const html = page.text;
    // script-src 'self' runs no inline script: each <script> must name a file.
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThanOrEqual(2);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/\bsrc=/);
      expect(body.trim()).toBe('');
    }
    const sources = [
      ...scripts.map(([, attributes]) => /\bsrc=['"]([^'"]+)['"]/.exec(attributes)?.[1]),
      ...[...html.matchAll(/<link\b[^>]*rel=['"]stylesheet['"][^>]*>/g)].map(
        ([tag]) => /\bhref=['"]([^'"]+)['"]/.exec(tag)?.[1],
      ),
    ];
    // Resolved as the browser does, against the page's own URL: all on Agora's origin.
    const pageUrl = 'http://agora.test/docs';
    const urls = sources.map((source) => new URL(source ?? '', pageUrl));
    expect(urls.map((url) => url.pathname)).toContain('/docs/swagger-ui-init.js');
    for (const url of urls) {
      expect(url.origin).toBe('http://agora.test');
      const res = await t.http().get(url.pathname).expect(200);
      expect(res.headers['content-type']).toMatch(/javascript|css/);
    }
  });
});

describe('CORS', () => {
  it('answers a preflight from an origin in CORS_ORIGINS, and only from those', async () => {
    const t = await createTestApp({ env: { CORS_ORIGINS: 'https://app.example.com' } });
    try {
      const allowed = await t
        .http()
        .options('/api/posts')
        .set('Origin', 'https://app.example.com')
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'authorization,content-type');
      expect(allowed.status).toBe(204);
      expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example.com');
      expect(String(allowed.headers['access-control-allow-methods'])).toContain('POST');

      const read = await t.http().get('/api/posts').set('Origin', 'https://app.example.com');
      expect(read.headers['access-control-allow-origin']).toBe('https://app.example.com');
      expect(String(read.headers['access-control-expose-headers'])).toContain('X-Request-Id');

      const other = await t.http().get('/api/posts').set('Origin', 'https://evil.example.com');
      expect(other.status).toBe(200);
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await t.close();
    }
  });

  it('allows no cross-origin reads when CORS_ORIGINS is empty', async () => {
    const t = await createTestApp({ env: { CORS_ORIGINS: '' } });
    try {
      const res = await t.http().get('/api/posts').set('Origin', 'https://app.example.com');
      expect(res.status).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await t.close();
    }
  });
});

describe('mass assignment and data exposure', () => {
  let t: TestApp;
  let contract: Contract;

  beforeAll(async () => {
    t = await createTestApp();
    contract = await Contract.load(t);
  });

  afterAll(async () => {
    await t.close();
  });

  /** A body each operation accepts, for a user who owns post `postId`. */
  const BODIES: Record<string, (u: RegisteredUser) => Record<string, unknown>> = {
    'POST /api/users': () => {
      const name = uniqueName('mass');
      return {
        email: `${name.toLowerCase()}@example.com`,
        username: name,
        password: 'long enough pass',
      };
    },
    'POST /api/auth/login': (u) => ({ username: u.username, password: u.password }),
    'PATCH /api/users/me': () => ({ username: uniqueName('renamed') }),
    'PUT /api/users/me/profile': () => ({ displayName: 'Mass' }),
    'POST /api/posts': () => ({ title: 'Mass', content: 'Assignment.' }),
    'PATCH /api/posts/{id}': () => ({ title: 'Edited' }),
    'POST /api/posts/{id}/comments': () => ({ body: 'A comment.' }),
  };
  /** The same for the Conduit face: the fields sit in an envelope (`{ user: {…} }`). */
  const CONDUIT_BODIES: Record<
    string,
    { envelope: string; body: (u: RegisteredUser) => Record<string, unknown> }
  > = {
    'POST /conduit/api/users': {
      envelope: 'user',
      body: () => {
        const name = uniqueName('mass');
        return { email: `${name}@example.com`, username: name, password: 'long enough pass' };
      },
    },
    'POST /conduit/api/users/login': {
      envelope: 'user',
      body: (u) => ({ email: u.email, password: u.password }),
    },
    'PUT /conduit/api/user': { envelope: 'user', body: () => ({ bio: 'Mass' }) },
    // Articles and comments ({slug} is the target post's).
    'POST /conduit/api/articles': {
      envelope: 'article',
      body: () => ({ title: 'Mass', description: 'Mass', body: 'Assignment.' }),
    },
    'PUT /conduit/api/articles/{slug}': { envelope: 'article', body: () => ({ title: 'Edited' }) },
    'POST /conduit/api/articles/{slug}/comments': {
      envelope: 'comment',
      body: () => ({ body: 'A comment.' }),
    },
  };
  const FORBIDDEN: Record<string, unknown> = {
    id: 1,
    authorId: 1,
    userId: 1,
    votes: 1000,
    comments: 1000,
    counts: { posts: 1000 },
    createdAt: '2000-01-01T00:00:00.000Z',
    updatedAt: '2000-01-01T00:00:00.000Z',
    passwordHash: 'x',
    tokenVersion: 0,
    published_posts: 5,
    slug: 'chosen',
  };

  it('has a body for every operation that reads one', () => {
    const withBody = contract.operations.filter((o) => o.body).map((o) => o.name);
    expect(withBody.sort()).toEqual(
      [...Object.keys(BODIES), ...Object.keys(CONDUIT_BODIES)].sort(),
    );
  });

  it('refuses a field no client may set, with 400 naming it, and stores nothing', async () => {
    const user = await registerUser(t);
    const post = await t
      .http()
      .post('/api/posts')
      .set(user.auth)
      .send({ title: 'Target', content: 'Of mass assignment.' })
      .expect(201);
    const postId = post.body.id as number;
    const slugs: { slug: string }[] = await t.db.query('SELECT slug FROM posts WHERE id = $1', [
      postId,
    ]);
    const stored = async () =>
      (
        await t.db.query(
          `SELECT (SELECT count(*)::int FROM users) AS users,
                  (SELECT to_jsonb(u) FROM users u WHERE u.id = $1) AS me,
                  (SELECT to_jsonb(p) FROM posts p WHERE p.id = $2) AS post,
                  (SELECT count(*)::int FROM posts WHERE author_id = $1) AS posts,
                  (SELECT count(*)::int FROM comments WHERE author_id = $1) AS comments,
                  (SELECT to_jsonb(pr) FROM profiles pr WHERE pr.user_id = $1) AS profile`,
          [user.id, postId],
        )
      )[0] as unknown;
    const before = await stored();
    for (const [name, body] of Object.entries(BODIES)) {
      const operation = contract.operations.find((o) => o.name === name);
      if (!operation) throw new Error(`${name} is not documented`);
      const url = operation.path.replace('{id}', String(postId));
      for (const [field, value] of Object.entries(FORBIDDEN)) {
        const res = await t
          .http()
          [operation.method](url)
          .set(user.auth)
          .send({ ...body(user), [field]: value });
        const problem = expectProblem(res, 400);
        expect([name, problem.errors]).toEqual([
          name,
          expect.arrayContaining([expect.objectContaining({ field })]),
        ]);
      }
    }
    for (const [name, { envelope, body }] of Object.entries(CONDUIT_BODIES)) {
      const operation = contract.operations.find((o) => o.name === name);
      if (!operation) throw new Error(`${name} is not documented`);
      for (const [field, value] of Object.entries(FORBIDDEN)) {
        const res = await t
          .http()
          [operation.method](operation.path.replace('{slug}', slugs[0].slug))
          .set(user.auth)
          .send({ [envelope]: { ...body(user), [field]: value } });
        expect([name, res.status, res.body]).toEqual([
          name,
          422,
          { errors: { [field]: ['is not allowed'] } },
        ]);
      }
    }
    expect(await stored()).toEqual(before);
  });

  it('checks every response the suite receives: a leaked field fails the test that got it', async () => {
    // An app whose responses gain a field on the way out, as a careless serializer would add it.
    const leaky = await createTestApp({
      beforeContractHook: (fastify) =>
        fastify.addHook('onSend', (request, _reply, payload, done) => {
          const leak = request.url.startsWith('/api/users/') && typeof payload === 'string';
          done(null, leak ? payload.replace(/^\{/, '{"passwordHash":"x",') : payload);
        }),
    });
    try {
      const user = await registerUser(t);
      await leaky.http().get(`/api/users/${user.id}`).expect(200);
      await leaky.http().get('/api/users/2147483647').expect(404);
      // What the guard after each test (test/support/contract-guard.ts) would have failed this one with.
      const found = takeContractViolations();
      expect(found).toHaveLength(2);
      expect(found[0]).toMatch(
        new RegExp(`^GET /api/users/${user.id} → 200: body must NOT have additional properties`),
      );
      expect(found[1]).toMatch(
        /^GET \/api\/users\/2147483647 → 404: body must NOT have additional/,
      );
      // The same responses untampered keep the contract.
      await t.http().get(`/api/users/${user.id}`).expect(200);
      expect(takeContractViolations()).toEqual([]);
    } finally {
      await leaky.close();
    }
  });

  it('the contract check refuses a response with a field the document does not name', async () => {
    const user = await registerUser(t);
    const res = await t.http().get(`/api/users/${user.id}`).expect(200);
    expect(contract.check('get', `/api/users/${user.id}`, res)).toEqual([]);
    for (const leak of ['passwordHash', 'email', 'tokenVersion']) {
      const leaked = { ...res, body: { ...(res.body as object), [leak]: 'x' } };
      expect(contract.check('get', `/api/users/${user.id}`, leaked).join()).toContain(
        'must NOT have additional properties',
      );
    }
    // Nested too: the author of a post.
    const author = { id: 1, username: 'x', displayName: null, email: 'x@example.com' };
    expect(
      contract
        .check('get', '/api/posts', {
          status: 200,
          headers: { 'content-type': 'application/json' },
          body: {
            data: [
              {
                id: 1,
                title: 't',
                content: 'c',
                published: true,
                createdAt: '2026-01-01T00:00:00.000Z',
                updatedAt: '2026-01-01T00:00:00.000Z',
                author,
                tags: [],
                votes: 0,
                comments: 0,
                voted: false,
              },
            ],
            meta: { total: 1, totalExact: true, limit: 20, offset: 0, nextCursor: null },
          },
        })
        .join(),
    ).toMatch(/body\/data\/0\/author must NOT have additional properties/);
  });
});
