import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { TcpProxy } from '../drills/tcp-proxy.js';
import { createTestApp, type TestApp } from './support/app.js';
import { testRedis, type TestRedis } from './support/redis.js';
import { startReplicatedPostgres, type ReplicatedPostgres } from './support/replication.js';
import {
  call,
  lagBound,
  loginLimit,
  readYourWrites,
  replicaBecomes,
  replicaRestart,
  signUp,
  statementCounts,
} from './support/scale-scenarios.js';

// Issue 20's read replicas on loopback: a primary and a streaming replica
// (test/support/replication.ts, pg_stat_statements loaded in both), Redis,
// and Agora instances in this process, each listening on a port of its own.
// A and B share Redis and a lag bound long enough that only read-your-writes
// keeps a writer's reads off the paused replica; C has a short bound; D has
// no replica at all; E has a replica and no Redis; F reaches Redis through a
// proxy the test cuts.

const DATABASE = 'agora_replicas';

interface Instance {
  t: TestApp;
  url: string;
}

async function startInstance(env: Record<string, string>): Promise<Instance> {
  const t = await createTestApp({ env });
  await t.app.listen(0, '127.0.0.1');
  const address = t.app.getHttpServer().address();
  if (typeof address !== 'object' || address === null) throw new Error('not listening');
  return { t, url: `http://127.0.0.1:${address.port}` };
}

/** Polls `base`'s /health until `ok` holds of its body. */
async function healthSays(base: string, ok: (body: Record<string, unknown>) => boolean) {
  for (let waited = 0; waited < 15_000; waited += 50) {
    const res = await call(base, 'GET', '/health');
    if (ok(res.body as Record<string, unknown>)) return;
    await sleep(50);
  }
  throw new Error(`${base}/health never said what was awaited`);
}

describe('read replicas', () => {
  let cluster: ReplicatedPostgres;
  let redis: TestRedis;
  let a: Instance;
  let b: Instance;
  let c: Instance;
  let d: Instance;
  let e: Instance;
  let f: Instance;
  let redisProxy: TcpProxy;
  let primaryUrl: string;
  let replicaUrl: string;

  beforeAll(async () => {
    cluster = await startReplicatedPostgres({ preload: ['pg_stat_statements'] });
    await cluster.createDatabase(DATABASE);
    primaryUrl = cluster.primary.url(DATABASE);
    replicaUrl = cluster.replica.url(DATABASE);
    redis = testRedis();
    const shared = {
      DATABASE_URL: primaryUrl,
      DATABASE_REPLICA_URLS: replicaUrl,
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: redis.prefix,
    };
    // The first to start applies the migrations (on the primary).
    a = await startInstance({ ...shared, REPLICA_MAX_LAG_MS: '60000' });
    await cluster.primary.query('CREATE EXTENSION pg_stat_statements', [], DATABASE);
    await cluster.caughtUp();
    b = await startInstance({ ...shared, REPLICA_MAX_LAG_MS: '60000' });
    c = await startInstance({ ...shared, REPLICA_MAX_LAG_MS: '300' });
    d = await startInstance({ DATABASE_URL: primaryUrl });
    e = await startInstance({
      DATABASE_URL: primaryUrl,
      DATABASE_REPLICA_URLS: replicaUrl,
      REPLICA_MAX_LAG_MS: '60000',
    });
    const target = new URL(redis.url);
    redisProxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port || 6379) });
    const viaProxy = new URL(redis.url);
    viaProxy.port = String(redisProxy.port);
    f = await startInstance({
      ...shared,
      REDIS_URL: viaProxy.toString(),
      REPLICA_MAX_LAG_MS: '60000',
    });
    await Promise.all([a, b, c, e, f].map((i) => replicaBecomes(i.url, 'up')));
  }, 180_000);

  afterAll(async () => {
    await redisProxy?.up().catch(() => undefined);
    for (const i of [a, b, c, d, e, f]) await i?.t.close();
    await redisProxy?.down();
    await redis?.cleanUp();
    await cluster?.close();
  }, 60_000);

  it('shows each replica in /health, and nothing of replicas without DATABASE_REPLICA_URLS', async () => {
    const withReplica = await call(a.url, 'GET', '/health');
    expect(withReplica.status).toBe(200);
    expect(withReplica.body).toEqual({
      status: 'ok',
      database: 'up',
      redis: 'up',
      replicas: [{ replica: 1, state: 'up', lagMs: expect.any(Number) }],
    });
    const without = await call(d.url, 'GET', '/health');
    expect(without.body).toEqual({ status: 'ok', database: 'up' });
  });

  it('(a) a client reads its own write through the other instance at once, 200 times, replay paused half the time', async () => {
    const figures = await readYourWrites([a.url, b.url], cluster, 200);
    expect(figures).toEqual({ pairs: 200, whilePaused: 100, seen: 400, missed: 0, nonOk: 0 });
  }, 120_000);

  it("(a) without Redis, one instance keeps its users' write positions in memory", async () => {
    const figures = await readYourWrites([e.url, e.url], cluster, 40, 5);
    expect(figures).toEqual({ pairs: 40, whilePaused: 20, seen: 80, missed: 0, nonOk: 0 });
  }, 60_000);

  it("(a) while Redis does not answer, a signed-in caller's reads go to the primary (positions cannot be shared), none fails", async () => {
    const user = await signUp(f.url);
    await redisProxy.down();
    try {
      await healthSays(f.url, (body) => body.redis === 'down');
      const figures = await statementCounts(
        [f.url],
        { primary: primaryUrl, replica: replicaUrl },
        20,
        user.token,
      );
      // Half the reads signed in (the primary), half anonymous (the replica).
      expect(figures).toEqual({ requests: 20, nonOk: 0, primaryCalls: 10, replicaCalls: 10 });
    } finally {
      await redisProxy.up();
    }
    await healthSays(f.url, (body) => body.redis === 'up');
  }, 60_000);

  it('(b) with replay paused past REPLICA_MAX_LAG_MS, anonymous reads go to the primary and none fails', async () => {
    const figures = await lagBound(a.url, c.url, cluster, 100);
    expect(figures).toMatchObject({ reads: 100, nonOk: 0, fresh: 100 });
    expect(figures.lagMs).toBeGreaterThan(300);
    // Replay resumed: the replica serves again.
    await replicaBecomes(c.url, 'up');
  }, 60_000);

  it('(c) the replica stopped and started under load: every request 2xx, no acknowledged write lost', async () => {
    const figures = await replicaRestart([a.url, b.url], cluster, primaryUrl, 8);
    expect(figures.sawDown).toBe(true);
    expect(figures.requests).toBeGreaterThan(50);
    // Every status seen (with its count, in the failure message), and none but 2xx.
    expect(Object.keys(figures.statuses).filter((s) => !s.startsWith('2'))).toEqual([]);
    expect(figures.nonOk).toBe(0);
    expect(figures.acknowledgedWrites).toBeGreaterThan(0);
    expect(figures.lostWrites).toBe(0);
  }, 120_000);

  it('(d) the failed-login limit holds across both instances', async () => {
    const figures = await loginLimit([a.url, b.url], 5);
    expect(figures).toEqual({ failuresBeforeLimit: 5, limit: 5, afterLimit: [429, 429] });
  });

  it('(e) the post lists run on the replica: its statement counts say so, the primary sees none', async () => {
    await cluster.caughtUp();
    const user = await signUp(a.url, b.url);
    // Past the user's own registration: the replica has it (caught up above, and again here).
    await cluster.caughtUp();
    const figures = await statementCounts(
      [a.url, b.url],
      { primary: primaryUrl, replica: replicaUrl },
      60,
      user.token,
    );
    expect(figures).toEqual({ requests: 60, nonOk: 0, primaryCalls: 0, replicaCalls: 60 });
  });

  it('(e) without DATABASE_REPLICA_URLS nothing changes: every statement on the primary, as many per request', async () => {
    const figures = await statementCounts(
      [d.url],
      { primary: primaryUrl, replica: replicaUrl },
      30,
    );
    expect(figures).toEqual({ requests: 30, nonOk: 0, primaryCalls: 30, replicaCalls: 0 });
    const user = await signUp(d.url);
    const post = await call(d.url, 'POST', '/api/posts', {
      token: user.token,
      body: { title: 'counted', content: 'statements per request', published: true },
    });
    const paths = [
      '/api/posts?limit=5',
      `/api/posts?author=${user.id}`,
      `/api/posts/${(post.body as { id: number }).id}`,
      `/api/users/${user.id}`,
      '/api/users?limit=3',
      '/api/tags',
      '/api/stats',
      '/conduit/api/articles?limit=3',
      '/conduit/api/tags',
    ];
    // Anonymous: passport's strategies are process-wide, so in this process a
    // token is checked by the last instance built, whichever instance is asked.
    // One at a time: the counter counts everything its instance sends.
    const perRequest = async (i: Instance) => {
      const counts: number[] = [];
      for (const path of paths) {
        counts.push(await i.t.countQueries(() => call(i.url, 'GET', path)));
      }
      return counts;
    };
    await cluster.caughtUp();
    const [withReplica, withoutReplica] = [await perRequest(a), await perRequest(d)];
    expect(withReplica).toEqual(paths.map(() => 1));
    expect(withReplica).toEqual(withoutReplica);
  });
});
