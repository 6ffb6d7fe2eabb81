import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { TcpProxy } from '../drills/tcp-proxy.js';
import { freePort } from '../bench/server.js';
import { expectProblem, registerUser, uniqueName, type HttpResult } from './support/api.js';
import { createTestApp, type TestApp } from './support/app.js';
import { testRedis, type TestRedis } from './support/redis.js';

/** A registration body no one has used. */
function newUser() {
  const username = uniqueName('rl');
  return { email: `${username.toLowerCase()}@example.com`, username, password: 'rate limit pass' };
}

function expectTooMany(res: HttpResult) {
  expectProblem(res, 429);
  expect(res.headers['retry-after']).toMatch(/^\d+$/);
  return Number(res.headers['retry-after']);
}

/** Polls GET /health until its `redis` is `state` (ioredis notices a lost or returned server by itself). */
async function redisBecomes(t: TestApp, state: 'up' | 'down'): Promise<Record<string, unknown>> {
  let body: Record<string, unknown> = {};
  for (let waited = 0; waited < 15_000; waited += 100) {
    const res = await t.http().get('/health');
    body = res.body as Record<string, unknown>;
    if (body.redis === state) return body;
    await sleep(100);
  }
  throw new Error(`/health never said redis: ${state} (last: ${JSON.stringify(body)})`);
}

describe('the per-client write limit', () => {
  let t: TestApp;
  let clients = 0;
  const newClient = () => `192.0.2.${(clients += 1)}`;

  beforeAll(async () => {
    t = await createTestApp({
      env: {
        WRITE_RATE_LIMIT: '3',
        WRITE_RATE_LIMIT_WINDOW_SECONDS: '60',
        TRUST_PROXY: 'loopback',
      },
    });
  });

  afterAll(async () => {
    await t.close();
  });

  it("refuses a client's writes past the limit on any route with a 429 problem, and does not run them", async () => {
    const client = newClient();
    const first = newUser();
    await t.http().post('/api/users').set('X-Forwarded-For', client).send(first).expect(201);
    await t.http().post('/api/users').set('X-Forwarded-For', client).send(newUser()).expect(201);
    await t
      .http()
      .post('/api/auth/login')
      .set('X-Forwarded-For', client)
      .send({ username: first.username, password: first.password })
      .expect(200);

    const refused = newUser();
    const res = await t.http().post('/api/users').set('X-Forwarded-For', client).send(refused);
    const wait = expectTooMany(res);
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(60);
    const stored = await t.db.query('SELECT 1 FROM users WHERE username = $1', [refused.username]);
    expect(stored).toEqual([]);
    expectTooMany(
      await t
        .http()
        .post('/api/auth/login')
        .set('X-Forwarded-For', client)
        .send({ username: first.username, password: first.password }),
    );
  });

  it('leaves reads, and other clients, alone', async () => {
    const client = newClient();
    for (let i = 0; i < 3; i++) {
      await t.http().post('/api/users').set('X-Forwarded-For', client).send(newUser()).expect(201);
    }
    expectTooMany(await t.http().post('/api/users').set('X-Forwarded-For', client).send(newUser()));
    for (let i = 0; i < 5; i++) {
      await t.http().get('/api/posts').set('X-Forwarded-For', client).expect(200);
    }
    await t
      .http()
      .post('/api/users')
      .set('X-Forwarded-For', newClient())
      .send(newUser())
      .expect(201);
  });
});

describe('WRITE_RATE_LIMIT=0', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { WRITE_RATE_LIMIT: '0' } });
  });

  afterAll(async () => {
    await t.close();
  });

  it('turns the write limit off', async () => {
    for (let i = 0; i < 5; i++) await t.http().post('/api/users').send(newUser()).expect(201);
  });
});

describe('limits shared by two instances through Redis (REDIS_URL)', () => {
  let redis: TestRedis;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    redis = testRedis();
    const env = {
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: redis.prefix,
      LOGIN_MAX_FAILURES: '3',
      WRITE_RATE_LIMIT: '4',
      WRITE_RATE_LIMIT_WINDOW_SECONDS: '60',
      TRUST_PROXY: 'loopback',
    };
    a = await createTestApp({ env });
    b = await createTestApp({ env });
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await redis?.cleanUp();
  });

  it('both report Redis in /health', async () => {
    for (const t of [a, b]) {
      const res = await t.http().get('/health').expect(200);
      expect(res.body).toEqual({ status: 'ok', database: 'up', redis: 'up' });
    }
  });

  it("count an account's failed logins together", async () => {
    const user = await registerUser(a);
    const fail = (t: TestApp, i: number) =>
      t
        .http()
        .post('/api/auth/login')
        .set('X-Forwarded-For', `198.18.0.${i}`)
        .send({ username: user.username, password: 'wrong password' });
    expectProblem(await fail(a, 1), 401);
    expectProblem(await fail(b, 2), 401);
    expectProblem(await fail(a, 3), 401);
    // Each instance alone has seen at most two failures: only a shared count refuses this.
    const blocked = await b
      .http()
      .post('/api/auth/login')
      .set('X-Forwarded-For', '198.18.0.4')
      .send({ username: user.username, password: user.password });
    expectTooMany(blocked);
    // In Redis, under the instances' prefix (nothing outside it).
    expect((await redis.keys()).some((key) => key.includes(':login-account}'))).toBe(true);
  });

  it("count a client's writes together", async () => {
    const client = '198.18.1.1';
    await a.http().post('/api/users').set('X-Forwarded-For', client).send(newUser()).expect(201);
    await b.http().post('/api/users').set('X-Forwarded-For', client).send(newUser()).expect(201);
    await a.http().post('/api/users').set('X-Forwarded-For', client).send(newUser()).expect(201);
    await b.http().post('/api/users').set('X-Forwarded-For', client).send(newUser()).expect(201);
    expectTooMany(await a.http().post('/api/users').set('X-Forwarded-For', client).send(newUser()));
    expectTooMany(await b.http().post('/api/users').set('X-Forwarded-For', client).send(newUser()));
  });
});

describe('Redis going away and coming back', () => {
  let redis: TestRedis;
  let proxy: TcpProxy;
  let t: TestApp;
  const lines: string[] = [];
  const logs = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });

  beforeAll(async () => {
    redis = testRedis();
    const target = new URL(redis.url);
    proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port || 6379) });
    const viaProxy = new URL(redis.url);
    viaProxy.port = String(proxy.port);
    t = await createTestApp({
      env: {
        REDIS_URL: viaProxy.toString(),
        REDIS_KEY_PREFIX: redis.prefix,
        LOGIN_MAX_FAILURES: '2',
        LOG_LEVEL: 'warn',
      },
      logStream: logs,
    });
  });

  afterAll(async () => {
    await proxy?.up().catch(() => undefined);
    await t?.close();
    await proxy?.down();
    await redis?.cleanUp();
  });

  it('serves requests meanwhile, limits them in memory, warns once, and shares again when it is back', async () => {
    await t.http().get('/health').expect(200);
    expect(await redisBecomes(t, 'up')).toEqual({ status: 'ok', database: 'up', redis: 'up' });

    await proxy.down();
    expect(await redisBecomes(t, 'down')).toEqual({
      status: 'ok',
      database: 'up',
      redis: 'down',
    });
    const warnings = lines.filter((line) => line.includes('Redis is unreachable'));
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0])).toMatchObject({ level: 40 });

    // Still served, and still limited (in this instance's memory).
    const user = await registerUser(t);
    for (let i = 0; i < 2; i++) {
      expectProblem(
        await t
          .http()
          .post('/api/auth/login')
          .send({ username: user.username, password: 'wrong password' }),
        401,
      );
    }
    expectTooMany(
      await t
        .http()
        .post('/api/auth/login')
        .send({ username: user.username, password: user.password }),
    );
    expect(lines.filter((line) => line.includes('Redis is unreachable'))).toHaveLength(1);

    await proxy.up();
    expect(await redisBecomes(t, 'up')).toEqual({ status: 'ok', database: 'up', redis: 'up' });
    await t.http().post('/api/users').send(newUser()).expect(201);
    expect((await redis.keys()).some((key) => key.includes(':writes}'))).toBe(true);
  });
});

describe('Redis unreachable at boot', () => {
  let t: TestApp;

  beforeAll(async () => {
    const nobody = await freePort();
    t = await createTestApp({ env: { REDIS_URL: `redis://127.0.0.1:${nobody}/0` } });
  });

  afterAll(async () => {
    await t.close();
  });

  it('starts anyway, serves requests, and says so in /health', async () => {
    const res = await t.http().get('/health').expect(200);
    expect(res.body).toEqual({ status: 'ok', database: 'up', redis: 'down' });
    await t.http().post('/api/users').send(newUser()).expect(201);
  });
});
