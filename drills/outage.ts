/**
 * Database outage drill (`npm run drill:outage`): Agora's production build
 * under mixed load while its PostgreSQL goes away for several seconds and
 * comes back. It passes when, during the outage, /health answers 503, every
 * request is answered (no timeouts, no dropped connections) with either its
 * normal answer or a 503 problem with Retry-After, and nothing else 5xx; when
 * Agora recovers by itself within 5 s; and when every write that was
 * acknowledged with a 2xx is in the database afterwards.
 *
 *   npm run drill:outage [-- --clients 16 --before 4 --outage 6 --after 6 --quick]
 *
 * Without DATABASE_URL it runs its own embedded cluster and really stops it;
 * with DATABASE_URL it creates a database there and cuts a TCP proxy instead.
 */
import {
  Ledger,
  Recorder,
  client,
  numberFlag,
  runDrill,
  openDrillDatabase,
  seeded,
  signUp,
  sleep,
  startDrillAgora,
  verifyCounters,
  verifyLedger,
  writeDrillResult,
} from './harness.js';

/** Longest a request may take: past this it counts as hung. */
const HUNG_MS = 10_000;
const RECOVERY_LIMIT_MS = 5_000;

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const quick = argv.includes('--quick');
  const clients = numberFlag(argv, 'clients', quick ? 8 : 16);
  const before = numberFlag(argv, 'before', quick ? 2 : 4) * 1000;
  const outageMs = numberFlag(argv, 'outage', quick ? 4 : 6) * 1000;
  const after = numberFlag(argv, 'after', quick ? 3 : 6) * 1000;

  const db = await openDrillDatabase();
  console.log(`==> outage drill: ${db.kind} PostgreSQL, ${clients} clients`);
  const agora = await startDrillAgora(db.url);
  const recorder = new Recorder(agora.url, HUNG_MS);
  const failures: string[] = [];
  let result: Record<string, unknown> | undefined;
  try {
    const sessions = await signUp(recorder, clients, 'drill');
    const ledger = new Ledger();
    let stop = false;
    const random = seeded(20261123);
    const load = Promise.all(
      sessions.map((me) => client(recorder, me, sessions, ledger, () => stop, random)),
    );

    await sleep(before);
    const downAt = Date.now();
    await db.down();
    console.log(`  database down at +${before / 1000} s`);
    // /health while it is down: answered, quickly, with 503.
    const healthDuring: { status: number; ms: number }[] = [];
    while (Date.now() - downAt < outageMs) {
      const h = await recorder.send('health', 'GET', '/health');
      healthDuring.push({ status: h.status, ms: Math.round(h.ms) });
      await sleep(250);
    }
    await db.up();
    const upAt = Date.now();
    let recoveredAt: number | undefined;
    while (Date.now() - upAt < 30_000) {
      const h = await recorder.send('health', 'GET', '/health');
      if (h.status === 200) {
        recoveredAt = Date.now();
        break;
      }
      await sleep(100);
    }
    const recoveryMs = recoveredAt === undefined ? null : recoveredAt - upAt;
    console.log(`  database up; /health 200 again after ${recoveryMs ?? '–'} ms`);
    await sleep(after);
    stop = true;
    await load;
    const endAt = Date.now();

    // Answers after recovery: everything must work again.
    const afterwards = recorder.outcomes.filter(
      (o) => recoveredAt !== undefined && o.at >= recoveredAt + 500 && o.action !== 'health',
    );
    const during = recorder.outcomes.filter((o) => o.at >= downAt && o.at < upAt);
    const all = recorder.outcomes;

    const hung = all.filter((o) => o.failure === 'timeout').length;
    const dropped = all.filter((o) => o.failure === 'network').length;
    const serverErrors = all.filter((o) => o.status >= 500 && o.status !== 503);
    const bad503 = all.filter((o) => o.status === 503 && (!o.problem || !o.retryAfter));
    const afterFailures = afterwards.filter((o) => o.status >= 500 || o.status === 0);
    const slowest503 = Math.max(0, ...all.filter((o) => o.status === 503).map((o) => o.ms));

    if (!healthDuring.some((h) => h.status === 503))
      failures.push('/health never answered 503 while the database was down');
    if (healthDuring.some((h) => h.status !== 503 && h.status !== 200)) {
      failures.push(`/health answered ${JSON.stringify(healthDuring)} during the outage`);
    }
    if (!during.some((o) => o.status === 503 && o.action !== 'health')) {
      failures.push('no request got a 503 during the outage (was the database really down?)');
    }
    if (hung > 0) failures.push(`${hung} requests hung past ${HUNG_MS} ms`);
    if (dropped > 0) failures.push(`${dropped} requests had their connection fail`);
    if (serverErrors.length > 0) {
      failures.push(
        `${serverErrors.length} answers were 5xx other than 503: ${JSON.stringify(serverErrors.slice(0, 3))}`,
      );
    }
    if (bad503.length > 0)
      failures.push(`${bad503.length} 503s lacked problem+json or Retry-After`);
    if (recoveryMs === null || recoveryMs > RECOVERY_LIMIT_MS) {
      failures.push(
        `no recovery within ${RECOVERY_LIMIT_MS} ms (took ${recoveryMs ?? '> 30000'} ms)`,
      );
    }
    if (afterwards.length === 0) failures.push('no traffic after recovery');
    if (afterFailures.length > 0) {
      failures.push(
        `${afterFailures.length} requests failed after recovery: ${JSON.stringify(afterFailures.slice(0, 3))}`,
      );
    }
    if (!agora.running) failures.push('Agora exited');
    const lost = await verifyLedger(db.directUrl, ledger);
    const counters = await verifyCounters(db.directUrl);
    failures.push(...lost, ...counters);

    result = {
      finishedAt: new Date().toISOString(),
      database: db.kind,
      clients,
      seconds: { before: before / 1000, outage: outageMs / 1000, after: after / 1000 },
      requests: all.length,
      duringOutage: recorder.tally(downAt, upAt),
      overall: recorder.tally(0, endAt),
      healthDuring: {
        answers: healthDuring.length,
        statuses: [...new Set(healthDuring.map((h) => h.status))],
        slowestMs: Math.max(...healthDuring.map((h) => h.ms)),
      },
      slowest503Ms: Math.round(slowest503),
      recoveryMs,
      hung,
      dropped,
      acknowledgedWrites: ledger.acknowledged,
      checkedWrites: {
        posts: ledger.posts.size,
        comments: ledger.comments.size,
        votes: [...ledger.votes.values()].filter((v) => v !== undefined).length,
        follows: [...ledger.follows.values()].filter((v) => v !== undefined).length,
      },
      failures,
      passed: failures.length === 0,
    };
  } finally {
    await agora.stop();
    await db.close();
  }
  console.log(JSON.stringify(result, null, 2));
  // Only a full-length run becomes the recorded result the README quotes.
  if (!quick) {
    console.log(
      `\nwritten to ${await writeDrillResult(`outage-${String(result?.database)}`, result)}`,
    );
  }
  console.log(
    failures.length === 0 ? 'outage drill: PASS' : `outage drill: FAIL\n- ${failures.join('\n- ')}`,
  );
  return failures.length === 0 ? 0 : 1;
}

runDrill(main);
