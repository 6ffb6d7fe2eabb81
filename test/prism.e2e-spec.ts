import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { uniqueName, type Schemas } from './support/api.js';
import { createTestApp, takeContractViolations, type TestApp } from './support/app.js';
import {
  Contract,
  type JsonSchema,
  type Method,
  type OpenApiDocument,
} from './support/contract.js';
import {
  startPrismProxy,
  violationsOf,
  type PrismProxy,
  type PrismViolation,
} from './support/prism.js';

/** One request sent through Prism and what Prism said of it. */
interface Exchange {
  /** `GET /api/users/me → 200` */
  where: string;
  /** The document's operation it hit (`GET /api/users/{id}`). */
  operation: string;
  status: number;
  /** Sent malformed or refused on purpose: its request may break the request schemas. */
  expectError: boolean;
  /** Prism's violations of the request, then of the response, as `location: message`. */
  request: string[];
  response: string[];
  /** Agora answered it (its X-Request-Id is on every answer), not Prism. */
  fromAgora: boolean;
}

interface Send {
  token?: string;
  body?: unknown;
  /** A form body (the OAuth2 token request), sent as application/x-www-form-urlencoded. */
  form?: Record<string, string>;
}

/**
 * The independent validator of issue 16: Stoplight Prism 5 (`prism proxy`,
 * from the devDependency @stoplight/prism-cli) between a client and the real
 * app, validating every request and answer against the document /docs-json
 * serves. Each operation of the document is called at least once with a
 * success and once with an error answer; requests sent malformed on purpose
 * may break the request schemas, an answer may break nothing. Prism runs
 * without --errors (with it, a malformed request gets Prism's own 422 and
 * never reaches Agora), so what it found is read from the `sl-violations`
 * header of each answer.
 */
describe('the API through a Prism 5 validation proxy', () => {
  let t: TestApp;
  let contract: Contract;
  let prism: PrismProxy;
  /** Prism reading the document as it was before issue 16 (3.0, `nullable` beside an allOf). */
  let oldPrism: PrismProxy;
  const exchanges: Exchange[] = [];

  beforeAll(async () => {
    t = await createTestApp({
      // An answer spoiled on the way out, on request only: the check must see it.
      beforeContractHook: (fastify) =>
        fastify.addHook('onSend', (request, _reply, payload, done) => {
          const spoil =
            request.headers['x-test-spoil'] === 'profile' && typeof payload === 'string';
          done(null, spoil ? payload.replace('"profile":null', '"profile":"none"') : payload);
        }),
    });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const upstream = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    const served = (await t.http().get('/docs-json').expect(200)).body as OpenApiDocument;
    contract = Contract.fromDocument(served);
    const { jsonSchemaDialect: _dialect, ...old } = structuredClone(served) as OpenApiDocument & {
      jsonSchemaDialect?: string;
    };
    old.openapi = '3.0.0';
    (old.components.schemas.MeResponse.properties as Record<string, JsonSchema>).profile = {
      nullable: true,
      type: 'object',
      allOf: [{ $ref: '#/components/schemas/ProfileResponse' }],
    } as JsonSchema;
    [prism, oldPrism] = await Promise.all([
      startPrismProxy(served, upstream),
      startPrismProxy(old, upstream),
    ]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([prism?.stop(), oldPrism?.stop()]);
    await t?.close();
  });

  /**
   * Sends one request through Prism, checks the status the scenario expects,
   * and records what Prism said of it.
   */
  async function send(
    expected: number,
    method: Method,
    url: string,
    options: Send = {},
  ): Promise<request.Response> {
    let req = request(prism.base)[method](url);
    if (options.token) req = req.set('Authorization', `Bearer ${options.token}`);
    if (options.form) req = req.type('form').send(options.form);
    else if (options.body !== undefined) req = req.send(options.body as object);
    const res = await req;
    const where = `${method.toUpperCase()} ${url} → ${res.status}`;
    if (res.status !== expected) {
      throw new Error(
        `${where}, expected ${expected}: ${res.text}\n${prism.output().slice(-2000)}`,
      );
    }
    const violations = violationsOf(res.headers);
    const text = (v: PrismViolation) => `${v.location.join('.')}: ${v.message}`;
    const aboutRequest = (v: PrismViolation) => v.location[0] === 'request';
    exchanges.push({
      where,
      operation: contract.match(method, url)?.name ?? '(no operation)',
      status: res.status,
      expectError: expected >= 400,
      request: violations.filter(aboutRequest).map(text),
      // Anything Prism says that is not about the request counts against the answer.
      response: violations.filter((v) => !aboutRequest(v)).map(text),
      fromAgora: typeof res.headers['x-request-id'] === 'string',
    });
    return res;
  }

  const password = 'correct horse battery';

  async function register(
    prefix: string,
  ): Promise<{ id: number; username: string; token: string }> {
    const username = uniqueName(prefix);
    const created = await send(201, 'post', '/api/users', {
      body: { email: `${username.toLowerCase()}@example.com`, username, password },
    });
    const login = await send(200, 'post', '/api/auth/login', { body: { username, password } });
    return {
      id: (created.body as Schemas['MeResponse']).id,
      username,
      token: (login.body as Schemas['TokenResponse']).accessToken,
    };
  }

  it('answers a success and an error for every operation, and Prism finds no answer that breaks the document', async () => {
    const started = performance.now();
    const missing = 2147483647;

    // Users and auth. A new user's Me and User carry `profile: null` (what issue 16 was about).
    const ada = await register('prism_a');
    const bob = await register('prism_b');
    const carl = await register('prism_c');
    await send(409, 'post', '/api/users', {
      body: { email: 'x@example.com', username: ada.username, password },
    });
    await send(400, 'post', '/api/users', {
      body: { email: 'not an email', username: 'x', password: 'short' },
    });
    await send(401, 'post', '/api/auth/login', {
      body: { username: ada.username, password: 'wrong password!' },
    });
    await send(400, 'post', '/api/auth/login', { body: { username: ada.username } });
    // Swagger UI's Authorize: the OAuth2 token request, a form the document states as JSON only.
    await send(200, 'post', '/api/auth/login', {
      form: { grant_type: 'password', username: ada.username, password },
    });
    const me = await send(200, 'get', '/api/users/me', { token: ada.token });
    expect((me.body as Schemas['MeResponse']).profile).toBeNull();
    await send(401, 'get', '/api/users/me');
    await send(401, 'get', '/api/users/me', { token: 'not.a.token' });
    await send(200, 'get', `/api/users/${bob.id}`);
    await send(404, 'get', `/api/users/${missing}`);
    await send(400, 'get', '/api/users/0x10');
    await send(200, 'get', '/api/users');
    await send(200, 'get', `/api/users?search=prism_&sort=-createdAt,username&limit=5`);
    await send(400, 'get', '/api/users?limit=0');
    await send(400, 'get', '/api/users?sort=password');
    await send(200, 'patch', '/api/users/me', {
      token: bob.token,
      body: { username: `${bob.username.slice(0, 24)}_r` },
    });
    await send(403, 'patch', '/api/users/me', {
      token: bob.token,
      body: { password: 'another password', currentPassword: 'not the password' },
    });
    await send(409, 'patch', '/api/users/me', {
      token: bob.token,
      body: { username: ada.username },
    });

    // Profiles.
    await send(404, 'get', `/api/users/${ada.id}/profile`);
    await send(404, 'delete', '/api/users/me/profile', { token: ada.token });
    await send(201, 'put', '/api/users/me/profile', {
      token: ada.token,
      body: { displayName: 'Ada', bio: 'Analyst of engines.' },
    });
    await send(200, 'put', '/api/users/me/profile', {
      token: ada.token,
      body: { displayName: 'Ada L.', avatarUrl: 'https://example.com/ada.png' },
    });
    await send(400, 'put', '/api/users/me/profile', {
      token: ada.token,
      body: { displayName: '', avatarUrl: 'http://insecure.example.com/a.png' },
    });
    await send(200, 'get', `/api/users/${ada.id}/profile`);
    await send(200, 'get', '/api/users/me', { token: ada.token });

    // Posts.
    const tag = `prism-${randomBytes(6).toString('hex')}`;
    const post = (
      await send(201, 'post', '/api/posts', {
        token: ada.token,
        body: { title: 'Through Prism', content: 'Validated twice.', tags: [tag] },
      })
    ).body as Schemas['PostResponse'];
    const second = (
      await send(201, 'post', '/api/posts', {
        token: ada.token,
        body: { title: 'Second', content: 'To delete.' },
      })
    ).body as Schemas['PostResponse'];
    await send(400, 'post', '/api/posts', { token: ada.token, body: { content: 'No title' } });
    await send(401, 'post', '/api/posts', { body: { title: 'x', content: 'y' } });
    await send(200, 'get', `/api/posts/${post.id}`);
    await send(404, 'get', `/api/posts/${missing}`);
    const page = await send(200, 'get', `/api/posts?tag=${tag}&sort=-votes,title&limit=1`);
    // Keyset paging: `total` and `offset` are null.
    const cursor = (page.body as { meta: Schemas['PageMeta'] }).meta.nextCursor;
    await send(
      200,
      'get',
      `/api/posts?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    await send(200, 'get', `/api/posts?search=Prism&author=${ada.id}`);
    await send(400, 'get', '/api/posts?offset=10001');
    await send(400, 'get', '/api/posts?limit=1&offset=0&cursor=abc');
    await send(200, 'patch', `/api/posts/${post.id}`, {
      token: ada.token,
      body: { content: 'Edited.' },
    });
    await send(403, 'patch', `/api/posts/${post.id}`, {
      token: bob.token,
      body: { title: 'Mine' },
    });
    await send(400, 'patch', `/api/posts/${post.id}`, { token: ada.token, body: { votes: 9 } });
    await send(403, 'delete', `/api/posts/${second.id}`, { token: bob.token });
    await send(204, 'delete', `/api/posts/${second.id}`, { token: ada.token });
    await send(200, 'get', `/api/users/${ada.id}/posts`);
    await send(404, 'get', `/api/users/${missing}/posts`);

    // Votes.
    await send(201, 'post', `/api/posts/${post.id}/votes`, { token: bob.token });
    await send(409, 'post', `/api/posts/${post.id}/votes`, { token: bob.token });
    await send(200, 'get', `/api/posts/${post.id}/votes`);
    await send(404, 'get', `/api/posts/${missing}/votes`);
    await send(204, 'delete', `/api/posts/${post.id}/votes`, { token: bob.token });
    await send(404, 'delete', `/api/posts/${post.id}/votes`, { token: bob.token });
    await send(201, 'post', `/api/posts/${post.id}/votes`, { token: ada.token });

    // Tags.
    await send(200, 'get', '/api/tags?sort=-posts');
    await send(400, 'get', '/api/tags?sort=nope');
    await send(200, 'get', `/api/tags/${tag}`);
    await send(404, 'get', `/api/tags/none-${randomBytes(6).toString('hex')}`);
    await send(200, 'put', `/api/posts/${post.id}/tags/${tag}-2`, { token: ada.token });
    await send(403, 'put', `/api/posts/${post.id}/tags/${tag}-3`, { token: bob.token });
    await send(204, 'delete', `/api/posts/${post.id}/tags/${tag}-2`, { token: ada.token });
    await send(403, 'delete', `/api/posts/${post.id}/tags/${tag}`, { token: bob.token });

    // Follows.
    await send(201, 'post', `/api/users/${ada.id}/follow`, { token: bob.token });
    await send(409, 'post', `/api/users/${ada.id}/follow`, { token: bob.token });
    await send(404, 'post', `/api/users/${missing}/follow`, { token: bob.token });
    await send(200, 'get', '/api/feed', { token: bob.token });
    await send(401, 'get', '/api/feed');
    await send(200, 'get', `/api/users/${ada.id}/followers`);
    await send(404, 'get', `/api/users/${missing}/followers`);
    await send(200, 'get', `/api/users/${bob.id}/following`);
    await send(404, 'get', `/api/users/${missing}/following`);
    await send(204, 'delete', `/api/users/${ada.id}/follow`, { token: bob.token });
    await send(404, 'delete', `/api/users/${ada.id}/follow`, { token: bob.token });

    // Comments: a top-level one (`parentId: null`) and a reply.
    const top = (
      await send(201, 'post', `/api/posts/${post.id}/comments`, {
        token: bob.token,
        body: { body: 'First.' },
      })
    ).body as Schemas['CommentResponse'];
    await send(201, 'post', `/api/posts/${post.id}/comments`, {
      token: ada.token,
      body: { body: 'A reply.', parentId: top.id },
    });
    await send(400, 'post', `/api/posts/${post.id}/comments`, { token: ada.token, body: {} });
    await send(404, 'post', `/api/posts/${missing}/comments`, {
      token: ada.token,
      body: { body: 'Nowhere.' },
    });
    await send(200, 'get', `/api/posts/${post.id}/comments`);
    await send(200, 'get', `/api/posts/${post.id}/comments?parentId=${top.id}`);
    await send(404, 'get', `/api/posts/${missing}/comments`);
    // Neither the comment's author nor the post's.
    await send(403, 'delete', `/api/comments/${top.id}`, { token: carl.token });
    await send(204, 'delete', `/api/comments/${top.id}`, { token: bob.token });

    // Stats and health.
    await send(200, 'get', '/api/stats');
    await send(400, 'get', '/api/stats?since=yesterday');
    await send(200, 'get', '/health');
    await send(400, 'get', '/health?verbose=1');
    await send(200, 'get', '/health/live');
    await send(400, 'get', '/health/live?verbose=1');

    // The Conduit face (a Bearer token works there as well as `Token`).
    const dan = uniqueName('prism_c');
    const danUser = { username: dan, email: `${dan.toLowerCase()}@example.com`, password };
    await send(201, 'post', '/conduit/api/users', { body: { user: danUser } });
    await send(409, 'post', '/conduit/api/users', {
      body: { user: { ...danUser, email: `other_${danUser.email}` } },
    });
    await send(422, 'post', '/conduit/api/users', { body: { user: {} } });
    await send(200, 'post', '/conduit/api/users/login', {
      body: { user: { email: danUser.email, password } },
    });
    await send(401, 'post', '/conduit/api/users/login', {
      body: { user: { email: danUser.email, password: 'wrong password!' } },
    });
    await send(200, 'get', '/conduit/api/user', { token: bob.token });
    await send(401, 'get', '/conduit/api/user');
    await send(200, 'put', '/conduit/api/user', {
      token: bob.token,
      body: { user: { bio: 'Via Conduit', image: 'https://example.com/bob.png' } },
    });
    await send(422, 'put', '/conduit/api/user', {
      token: bob.token,
      body: { user: { image: 'not a url' } },
    });
    await send(200, 'get', `/conduit/api/profiles/${dan}`, { token: bob.token });
    await send(404, 'get', '/conduit/api/profiles/nobody_prism');
    await send(200, 'post', `/conduit/api/profiles/${dan}/follow`, { token: bob.token });
    await send(404, 'post', '/conduit/api/profiles/nobody_prism/follow', { token: bob.token });
    await send(200, 'delete', `/conduit/api/profiles/${dan}/follow`, { token: bob.token });
    await send(401, 'delete', `/conduit/api/profiles/${dan}/follow`);
    await send(200, 'get', '/conduit/api/tags');
    await send(422, 'get', '/conduit/api/tags?x=1');

    // Conduit's articles, favourites and comments (Agora's posts, votes and comments).
    const { article } = (
      await send(201, 'post', '/conduit/api/articles', {
        token: bob.token,
        body: {
          article: {
            title: 'Through Prism',
            description: 'Checked',
            body: 'Every answer.',
            tagList: ['prism'],
          },
        },
      })
    ).body as { article: { slug: string } };
    const slug = article.slug;
    const none = '/conduit/api/articles/no-such-article-0';
    await send(422, 'post', '/conduit/api/articles', {
      token: bob.token,
      body: { article: { title: '' } },
    });
    await send(200, 'get', '/conduit/api/articles?tag=prism');
    await send(422, 'get', '/conduit/api/articles?limit=0');
    await send(200, 'get', '/conduit/api/articles/feed', { token: ada.token });
    await send(401, 'get', '/conduit/api/articles/feed');
    await send(200, 'get', `/conduit/api/articles/${slug}`);
    await send(404, 'get', none);
    await send(200, 'put', `/conduit/api/articles/${slug}`, {
      token: bob.token,
      body: { article: { body: 'Edited through Prism.' } },
    });
    await send(403, 'put', `/conduit/api/articles/${slug}`, {
      token: ada.token,
      body: { article: { body: 'Not mine.' } },
    });
    await send(200, 'post', `/conduit/api/articles/${slug}/favorite`, { token: ada.token });
    await send(401, 'post', `/conduit/api/articles/${slug}/favorite`);
    await send(200, 'delete', `/conduit/api/articles/${slug}/favorite`, { token: ada.token });
    await send(404, 'delete', `${none}/favorite`, { token: ada.token });
    const { comment } = (
      await send(201, 'post', `/conduit/api/articles/${slug}/comments`, {
        token: ada.token,
        body: { comment: { body: 'Via Prism.' } },
      })
    ).body as { comment: { id: number } };
    await send(422, 'post', `/conduit/api/articles/${slug}/comments`, {
      token: ada.token,
      body: { comment: {} },
    });
    await send(200, 'get', `/conduit/api/articles/${slug}/comments`);
    await send(404, 'get', `${none}/comments`);
    // Neither the comment's author nor the article's.
    await send(403, 'delete', `/conduit/api/articles/${slug}/comments/${comment.id}`, {
      token: carl.token,
    });
    await send(204, 'delete', `/conduit/api/articles/${slug}/comments/${comment.id}`, {
      token: ada.token,
    });
    await send(403, 'delete', `/conduit/api/articles/${slug}`, { token: ada.token });
    await send(204, 'delete', `/conduit/api/articles/${slug}`, { token: bob.token });

    // Deleting: the profile, then a whole account.
    await send(204, 'delete', '/api/users/me/profile', { token: ada.token });
    await send(204, 'delete', '/api/users/me', { token: carl.token });
    await send(401, 'delete', '/api/users/me', { token: carl.token });

    // Every answer came from Agora, through Prism, for an operation Prism found.
    expect(exchanges.filter((e) => !e.fromAgora).map((e) => e.where)).toEqual([]);
    expect(
      exchanges
        .filter((e) => e.request.some((v) => /route not found/i.test(v)))
        .map((e) => e.where),
    ).toEqual([]);
    // Requests sent as valid are valid by Prism's reading too; the others may not be.
    expect(exchanges.filter((e) => !e.expectError).flatMap((e) => e.request)).toEqual([]);
    // The verdict: no answer breaks the document.
    expect(exchanges.flatMap((e) => e.response.map((v) => `${e.where}: ${v}`))).toEqual([]);

    // Every operation of the document, with a success and an error each.
    const coverage = contract.operations.map((o) => {
      const hits = exchanges.filter((e) => e.operation === o.name);
      return {
        operation: o.name,
        success: hits.some((e) => e.status < 300),
        error: hits.some((e) => e.status >= 400),
      };
    });
    expect(coverage.filter((c) => !c.success || !c.error)).toEqual([]);
    expect(exchanges.filter((e) => e.operation === '(no operation)')).toEqual([]);

    // What Agora's own contract check (run on every answer as it left the app) found: nothing.
    expect(takeContractViolations()).toEqual([]);
    console.info(
      `Prism: ${exchanges.length} requests (${coverage.length} operations), ` +
        `${exchanges.filter((e) => e.request.length > 0).length} with request violations on purpose, ` +
        `0 response violations, ${Math.round(performance.now() - started)} ms`,
    );
  });

  /** A fresh user through Prism (not counted above): their token. */
  async function freshToken(): Promise<string> {
    const username = uniqueName('prism_x');
    await request(prism.base)
      .post('/api/users')
      .send({ email: `${username.toLowerCase()}@example.com`, username, password })
      .expect(201);
    const login = await request(prism.base)
      .post('/api/auth/login')
      .send({ username, password })
      .expect(200);
    return (login.body as Schemas['TokenResponse']).accessToken;
  }

  it('reports an answer that breaks the served document, as the suite’s own check does', async () => {
    const token = await freshToken();
    const res = await request(prism.base)
      .get('/api/users/me')
      .set('Authorization', `Bearer ${token}`)
      .set('X-Test-Spoil', 'profile')
      .expect(200);
    expect((res.body as { profile: unknown }).profile).toBe('none');
    expect(violationsOf(res.headers as Record<string, string>)).toContainEqual({
      location: ['response', 'body', 'profile'],
      severity: 'Error',
      code: 'anyOf',
      message: 'Response body property profile must match a schema in anyOf',
    });
    // What the guard after each test would have failed this one with.
    expect(takeContractViolations()).toContainEqual(
      expect.stringMatching(
        /^GET \/api\/users\/me → 200: body\/profile must match a schema in anyOf/,
      ),
    );
  });

  it('reports profile: null, as issue 16 found, through the document as it was (3.0, nullable beside allOf)', async () => {
    const token = await freshToken();
    const before = await request(oldPrism.base)
      .get('/api/users/me')
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect((before.body as Schemas['MeResponse']).profile).toBeNull();
    expect(violationsOf(before.headers as Record<string, string>)).toEqual([
      {
        location: ['response', 'body', 'profile'],
        severity: 'Error',
        code: 'type',
        message: 'Response body property profile must be object',
      },
    ]);
    // The same answer through the served document: nothing to say.
    const now = await request(prism.base)
      .get('/api/users/me')
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect(now.body).toEqual(before.body);
    expect(now.headers['sl-violations']).toBeUndefined();
  });
});
