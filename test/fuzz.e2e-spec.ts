import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { createTestApp, type TestApp } from './support/app.js';
import { Contract } from './support/contract.js';
import {
  HOSTILE_CLASSES,
  requestFor,
  type FuzzRequest,
  type HostileClass,
} from './support/fuzz.js';
import { rawRequest } from './support/raw-http.js';
import { ownDatabase } from './support/own-database.js';
import { registerUser, type HttpResult, type RegisteredUser } from './support/api.js';

/**
 * Property-based fuzzing from the OpenAPI document (OWASP API8 and API3):
 * thousands of generated requests, valid and not, to every operation. For
 * every one: no 5xx; an error is an RFC 9457 problem; and the response, 2xx
 * or 4xx, is one the document declares for that operation, with a body its
 * (closed) schema accepts. FUZZ_RUNS sets the count (`npm run fuzz` runs many
 * more), FUZZ_SEED replays a run. The app writes into a database of its own.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 600);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);

/**
 * The fuzzer must stay signed in: a new password through the Conduit face's
 * `PUT /user` would revoke its token, so that one field is taken out.
 */
function keepSignedIn(request: FuzzRequest): FuzzRequest {
  const json = request.body && 'json' in request.body ? request.body.json : undefined;
  const user = (json as { user?: unknown } | undefined)?.user;
  if (request.operation !== 'PUT /conduit/api/user' || typeof user !== 'object' || !user) {
    return request;
  }
  const { password: _password, ...rest } = user as Record<string, unknown>;
  return { ...request, body: { json: { ...(json as object), user: rest } } };
}

/** A URL as a failure quotes it: long runs of one character shortened. */
function short(url: string): string {
  return url
    .replace(/(.)\1{19,}/g, (run, c: string) => `${c.repeat(3)}…(${run.length})`)
    .slice(0, 300);
}

describe('fuzzing every operation of the OpenAPI document', () => {
  const own = ownDatabase('agora_fuzz');
  let t: TestApp;
  let contract: Contract;
  let fuzzer: RegisteredUser;
  const pools = {
    ids: [1, 2, 2147483647],
    tags: ['fuzz', 'javascript'],
    usernames: ['fuzzer', 'other_user', 'nobody_here'],
    slugs: ['no-such-article-1'],
  };

  beforeAll(async () => {
    await own.admin(`CREATE DATABASE "${own.name}"`);
    t = await createTestApp({
      // Failed logins would lock the fuzzer's own account out: a generous limit.
      env: {
        DATABASE_URL: own.url,
        LOGIN_MAX_FAILURES: '1000',
        LOGIN_MAX_FAILURES_PER_CLIENT: '10000',
      },
    });
    contract = await Contract.load(t);
    fuzzer = await registerUser(t, { username: 'fuzzer', password: 'fuzzer password' });
    const other = await registerUser(t, { username: 'other_user', password: 'other password' });
    for (const author of [fuzzer, other]) {
      const post = await t
        .http()
        .post('/api/posts')
        .set(author.auth)
        .send({ title: 'Seed post', content: 'Something to act on.', tags: ['fuzz'] })
        .expect(201);
      const comment = await t
        .http()
        .post(`/api/posts/${post.body.id as number}/comments`)
        .set(author.auth)
        .send({ body: 'A comment.' })
        .expect(201);
      pools.ids.push(author.id, post.body.id as number, comment.body.id as number);
      const slugs: { slug: string }[] = await t.db.query('SELECT slug FROM posts WHERE id = $1', [
        post.body.id,
      ]);
      pools.slugs.push(slugs[0].slug);
    }
  });

  afterAll(async () => {
    await t?.close();
    await own.drop();
  });

  async function send(request: FuzzRequest): Promise<HttpResult> {
    const body = request.body;
    // Raw bytes, and request lines or headers past Node's limit, go over a socket of their own.
    if ((body && 'bytes' in body) || request.headers || request.hostile === 'oversized-url') {
      const payload =
        body === undefined
          ? undefined
          : 'bytes' in body
            ? { type: body.type, data: body.bytes }
            : 'raw' in body
              ? { type: body.type, data: Buffer.from(body.raw) }
              : { type: 'application/json', data: Buffer.from(JSON.stringify(body.json)) };
      const headers: Record<string, string> = {
        Host: 'localhost',
        // The answer is complete when the server closes the connection.
        Connection: 'close',
        ...(request.signedIn ? fuzzer.auth : {}),
        ...(payload
          ? { 'Content-Type': payload.type, 'Content-Length': String(payload.data.length) }
          : {}),
        ...request.headers,
      };
      const head = Object.entries(headers)
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join('');
      return rawRequest(
        t,
        Buffer.concat([
          Buffer.from(`${request.method.toUpperCase()} ${request.url} HTTP/1.1\r\n${head}\r\n`),
          payload?.data ?? Buffer.alloc(0),
        ]),
      );
    }
    let req = t.http()[request.method](request.url);
    if (request.signedIn) req = req.set(fuzzer.auth);
    if (body && 'json' in body) {
      req = req.set('Content-Type', 'application/json').send(JSON.stringify(body.json));
    } else if (body && 'raw' in body) {
      req = req.set('Content-Type', body.type).send(body.raw);
    }
    return req;
  }

  // About 10 ms a request here; `npm run fuzz` sends thousands.
  const timeout = 60_000 + RUNS * 30;

  it(
    `keeps the contract for ${RUNS} generated requests`,
    async () => {
      // The fuzzer must stay signed in: it never deletes its account or changes its password.
      const operations = contract.operations.filter((o) => o.name !== 'DELETE /api/users/me');
      expect(operations.length).toBeGreaterThan(20);
      const statuses = new Map<number, number>();
      const reached = new Set<string>();
      const hostile = new Map<HostileClass, Map<number, number>>();

      const started = Date.now();
      await fc.assert(
        fc.asyncProperty(
          fc
            .constantFrom(...operations)
            .chain((o) => requestFor(contract, o, pools))
            .map(keepSignedIn),
          async (request) => {
            const res = await send(request);
            statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
            if (request.hostile) {
              const counts = hostile.get(request.hostile) ?? new Map<number, number>();
              counts.set(res.status, (counts.get(res.status) ?? 0) + 1);
              hostile.set(request.hostile, counts);
            }
            if (res.status < 300) reached.add(request.operation);
            const where = `${request.method.toUpperCase()} ${short(request.url)} → ${res.status}`;
            if (res.status >= 500) throw new Error(`${where}: ${JSON.stringify(res.body)}`);
            if (res.status >= 400) {
              const type = String(res.headers['content-type']);
              const body = res.body as { status?: unknown; type?: unknown; errors?: unknown };
              const conduit =
                request.url.startsWith('/conduit/api/') &&
                type.startsWith('application/json') &&
                typeof body.errors === 'object' &&
                body.errors !== null &&
                !Array.isArray(body.errors);
              // The Conduit face answers its errors as RealWorld does ({ errors }); the rest are problems.
              const problem =
                type.startsWith('application/problem+json') && body.status === res.status;
              if (!conduit && !problem) {
                throw new Error(
                  `${where}: not a problem: ${type} ${JSON.stringify(body).slice(0, 300)}`,
                );
              }
            }
            const violations = contract.check(request.method, request.url, res);
            if (violations.length > 0) throw new Error(violations.join('\n'));
          },
        ),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );

      // The generators are not all refusals: many operations were driven to a
      // success (600 runs with random seeds reach 16 to 22 of 32; a third is the floor).
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      console.log(
        `fuzz: ${RUNS} requests in ${seconds} s; statuses ${JSON.stringify(Object.fromEntries(statuses))}; ` +
          `${reached.size} of ${operations.length} operations reached 2xx; hostile classes ` +
          JSON.stringify(
            Object.fromEntries(
              [...hostile].map(([name, counts]) => [name, Object.fromEntries(counts)]),
            ),
          ),
      );
      // Every class of hostile input was sent (each is about 1 in 45 requests), and refused as a 4xx.
      if (RUNS >= 600) expect([...hostile.keys()].sort()).toEqual([...HOSTILE_CLASSES].sort());
      for (const [name, counts] of hostile) {
        if (name !== 'body-near-limit' && name !== 'deep-json') {
          expect([name, [...counts.keys()].every((status) => status >= 400)]).toEqual([name, true]);
        }
      }
      expect(reached.size).toBeGreaterThan(operations.length / 3);
      expect([...statuses.keys()].some((s) => s >= 200 && s < 300)).toBe(true);
      expect([...statuses.keys()].some((s) => s === 400)).toBe(true);
      // Its account is intact: the fuzzer could not change its own id, password or token.
      await t.http().get('/api/users/me').set(fuzzer.auth).expect(200);
    },
    timeout,
  );
});
