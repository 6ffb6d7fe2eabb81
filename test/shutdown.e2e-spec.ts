import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { ChildServer, agoraEnv, freePort } from '../bench/server.js';
import { uniqueName } from './support/api.js';
import { ROOT, buildServer, type ServerBuild } from './support/build.js';

/**
 * SIGTERM to Agora running as its own process (`node dist/src/main.js`, what
 * `npm start` runs) while clients keep it busy with registrations (slow: each
 * hashes a password) and reads.
 */

interface Outcome {
  kind: 'register' | 'read';
  username?: string;
  sentAt: number;
  settledAt: number;
  status?: number;
  contentType?: string | null;
  retryAfter?: string | null;
  /** A problem document's `detail`. */
  detail?: string;
  /** A connection error (refused, reset) or `TimeoutError` for a request that never settled. */
  error?: string;
}

const CLIENTS = 12;
/** What Agora logs (at info, pino level 30) when it starts on a database without users. */
const DEMO_DATA_HINT =
  'level 30: The database is empty: run `npm run db:seed` to add demo data ' +
  '(then sign in as demo / agora-demo-password).';
/** A request not answered within this is hung (the database answers in milliseconds). */
const HANG_MS = 20_000;
/** The 503 of a request that reaches Agora once it has begun closing (src/app.setup.ts). */
const SHUTTING_DOWN_DETAIL = 'The server is shutting down; retry the request.';
/** Sent this long before a signal, a request has reached Agora (loopback, an open connection). */
const ARRIVED_MS = 20;

async function send(base: string, kind: Outcome['kind']): Promise<Outcome> {
  const username = kind === 'register' ? uniqueName('sig') : undefined;
  const sentAt = performance.now();
  try {
    const res = await fetch(
      kind === 'register' ? `${base}/api/users` : `${base}/api/posts?limit=5`,
      {
        method: kind === 'register' ? 'POST' : 'GET',
        headers: { 'content-type': 'application/json' },
        body: username
          ? JSON.stringify({
              email: `${username.toLowerCase()}@example.com`,
              username,
              password: 'correct horse battery',
            })
          : undefined,
        signal: AbortSignal.timeout(HANG_MS),
      },
    );
    const text = await res.text();
    const detail = res.headers.get('content-type')?.startsWith('application/problem+json')
      ? (JSON.parse(text) as { detail?: string }).detail
      : undefined;
    return {
      kind,
      username,
      sentAt,
      settledAt: performance.now(),
      status: res.status,
      contentType: res.headers.get('content-type'),
      retryAfter: res.headers.get('retry-after'),
      detail,
    };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return {
      kind,
      username,
      sentAt,
      settledAt: performance.now(),
      error: cause?.code ?? (error as Error).name,
    };
  }
}

interface Run {
  outcomes: Outcome[];
  signalAt: number;
  exit: { code: number | null; signal: NodeJS.Signals | null } | 'still running';
  /** What `during` returned: called under load, just before the signal. */
  during: unknown;
  /** A request sent once the process had exited. */
  afterExit: Outcome;
}

/**
 * Keeps CLIENTS clients busy, signals the server once registrations are being
 * acknowledged (`deliver`: SIGTERM to the process unless told otherwise), waits for the exit.
 */
async function sigtermUnderLoad(
  server: ChildServer,
  during: () => Promise<unknown>,
  deliver: (server: ChildServer) => void = (s) => s.signal('SIGTERM'),
): Promise<Run> {
  const outcomes: Outcome[] = [];
  let stop = false;
  const clients = Array.from({ length: CLIENTS }, async (_, i) => {
    const kind = i % 3 === 0 ? 'read' : 'register';
    while (!stop) {
      const outcome = await send(server.url, kind);
      outcomes.push(outcome);
      // After the server is gone, refused connections would otherwise spin.
      if (outcome.error) await sleep(20);
    }
  });
  const acknowledged = () => outcomes.filter((o) => o.status === 201).length;
  for (let waited = 0; acknowledged() < 2 * CLIENTS && waited < 30_000; waited += 50) {
    await sleep(50);
  }
  const duringResult = await during();
  const signalAt = performance.now();
  deliver(server);
  const exit = await Promise.race([
    server.exited,
    // Unref'd: once the process has exited, this timer must not hold Jest for 30 s.
    sleep(30_000, undefined, { ref: false }).then(() => 'still running' as const),
  ]);
  stop = true;
  await Promise.all(clients);
  const afterExit = await send(server.url, 'read');
  return { outcomes, signalAt, exit, during: duringResult, afterExit };
}

/** What every SIGTERM run must show, whatever the database. */
function expectGracefulShutdown(run: Run): void {
  const { outcomes, signalAt } = run;
  expect(run.exit).toEqual({ code: 0, signal: null });

  // No request hung, and none got an answer other than success or the shutdown's 503 problem.
  expect(outcomes.filter((o) => o.error === 'TimeoutError')).toEqual([]);
  const answered = outcomes.filter((o) => o.status !== undefined);
  const odd = answered.filter(
    (o) =>
      !(o.kind === 'register' ? o.status === 201 : o.status === 200) &&
      !(
        o.status === 503 &&
        o.contentType?.startsWith('application/problem+json') &&
        o.retryAfter === '5'
      ),
  );
  expect(odd).toEqual([]);
  // Before the signal everything succeeded; refusals and 503s came only after it.
  expect(outcomes.filter((o) => o.settledAt < signalAt && (o.error || o.status === 503))).toEqual(
    [],
  );

  // Requests that were running when the signal came finished with their real answers...
  const inFlight = answered.filter(
    (o) => o.sentAt < signalAt && o.settledAt > signalAt && o.status !== 503,
  );
  expect(inFlight.filter((o) => o.kind === 'register').length).toBeGreaterThan(0);
  // ...and after the exit, connections are refused.
  expect(run.afterExit.error).toBe('ECONNREFUSED');
}

/** Registrations acknowledged with 201, and the others (refused, reset, 503). */
function registrations(run: Run): { acknowledged: string[]; unacknowledged: string[] } {
  const all = run.outcomes.filter((o) => o.kind === 'register' && o.username);
  return {
    acknowledged: all.filter((o) => o.status === 201).map((o) => o.username as string),
    unacknowledged: all.filter((o) => o.status !== 201).map((o) => o.username as string),
  };
}

async function storedUsernames(client: pg.Client, names: string[]): Promise<string[]> {
  const { rows } = await client.query<{ username: string }>(
    'SELECT username FROM users WHERE username = ANY($1)',
    [names],
  );
  return rows.map((r) => r.username).sort();
}

describe('SIGTERM under load, to the process npm start runs', () => {
  let build: ServerBuild;

  beforeAll(async () => {
    build = await buildServer();
  });

  afterAll(async () => {
    await build?.remove();
  });

  it('with embedded PostgreSQL: finishes what it accepted, stops the cluster, exits 0, loses nothing', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'agora-sigterm-'));
    const dbPort = await freePort();
    const port = await freePort();
    const env = agoraEnv('', {
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      EMBEDDED_DB_DIR: dataDir,
      EMBEDDED_DB_PORT: String(dbPort),
    });
    delete env.DATABASE_URL;
    // `npm start` as a newcomer runs it: no DATABASE_URL, data kept in a directory.
    const start = () =>
      ChildServer.start({
        name: 'agora',
        args: [build.main],
        env,
        port,
        healthPath: '/health',
        echo: false,
        cwd: ROOT,
      });
    try {
      const server = await start();
      const run = await sigtermUnderLoad(server, () => Promise.resolve());
      if (run.exit === 'still running') server.signal('SIGKILL');
      expectGracefulShutdown(run);
      // The first start, on an empty database, said how to add demo data.
      expect(server.messages()).toHaveProperty([DEMO_DATA_HINT]);

      // The cluster was stopped, not left behind: no lock file, nothing listening.
      expect(existsSync(join(dataDir, 'postmaster.pid'))).toBe(false);
      const probe = new pg.Client({ host: '127.0.0.1', port: dbPort, user: 'postgres' });
      await expect(probe.connect()).rejects.toMatchObject({ code: 'ECONNREFUSED' });

      // Start again on the same data: every acknowledged registration is there, and nothing else.
      const again = await start();
      const client = new pg.Client({
        connectionString: `postgres://postgres:postgres@127.0.0.1:${dbPort}/agora`,
      });
      try {
        await client.connect();
        const { acknowledged, unacknowledged } = registrations(run);
        expect(await storedUsernames(client, acknowledged)).toEqual([...acknowledged].sort());
        expect(await storedUsernames(client, unacknowledged)).toEqual([]);
      } finally {
        await client.end();
        again.signal('SIGTERM');
      }
      expect(await again.exited).toEqual({ code: 0, signal: null });
      // With users in it, no hint.
      expect(again.messages()).not.toHaveProperty([DEMO_DATA_HINT]);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 180_000);

  it('with embedded PostgreSQL, Ctrl-C in a terminal (SIGINT to the whole process group): requests in flight get their real answers', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'agora-sigint-'));
    const dbPort = await freePort();
    const port = await freePort();
    const env = agoraEnv('', {
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      EMBEDDED_DB_DIR: dataDir,
      EMBEDDED_DB_PORT: String(dbPort),
    });
    delete env.DATABASE_URL;
    try {
      // The foreground job of a terminal: Agora leads its own process group, and Ctrl-C
      // signals every process in it. The embedded server must not be one of them.
      const server = await ChildServer.start({
        name: 'agora',
        args: [build.main],
        env,
        port,
        healthPath: '/health',
        echo: false,
        cwd: ROOT,
        processGroup: true,
      });
      const run = await sigtermUnderLoad(
        server,
        () => Promise.resolve(),
        (s) => s.signalGroup('SIGINT'),
      );
      if (run.exit === 'still running') server.signal('SIGKILL');
      expectGracefulShutdown(run);

      // No request was answered by a database that went away under it: the only 503s are
      // the shutdown's own, for requests that reached Agora after it began closing.
      expect(
        run.outcomes.filter((o) => o.status === 503 && o.detail !== SHUTTING_DOWN_DETAIL),
      ).toEqual([]);
      // Requests Agora had in hand when the signal came (sent at least ARRIVED_MS before it)
      // all finished with their real answers.
      const inFlight = run.outcomes.filter(
        (o) => o.sentAt < run.signalAt - ARRIVED_MS && o.settledAt > run.signalAt,
      );
      expect(inFlight.filter((o) => o.kind === 'register').length).toBeGreaterThan(0);
      expect(inFlight.filter((o) => o.status !== (o.kind === 'register' ? 201 : 200))).toEqual([]);

      // Then the cluster was stopped, not left behind.
      expect(existsSync(join(dataDir, 'postmaster.pid'))).toBe(false);
      const probe = new pg.Client({ host: '127.0.0.1', port: dbPort, user: 'postgres' });
      await expect(probe.connect()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 180_000);

  it('with DATABASE_URL: finishes what it accepted, closes its pool, exits 0, loses nothing', async () => {
    const applicationName = `agora-sigterm-${randomBytes(4).toString('hex')}`;
    const url = new URL(process.env.DATABASE_URL ?? '');
    url.searchParams.set('application_name', applicationName);
    const port = await freePort();
    const server = await ChildServer.start({
      name: 'agora',
      args: [build.main],
      env: agoraEnv(url.toString(), { PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' }),
      port,
      healthPath: '/health',
      echo: false,
      cwd: ROOT,
    });
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    try {
      const sessions = async () =>
        (
          await client.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1',
            [applicationName],
          )
        ).rows[0].n;
      const run = await sigtermUnderLoad(server, sessions);
      if (run.exit === 'still running') server.signal('SIGKILL');
      expectGracefulShutdown(run);

      // The pool had connections under load, and none is left (a backend takes a moment to go).
      expect(run.during).toBeGreaterThan(0);
      for (let waited = 0; (await sessions()) > 0 && waited < 5000; waited += 100) await sleep(100);
      expect(await sessions()).toBe(0);
      const { acknowledged, unacknowledged } = registrations(run);
      expect(await storedUsernames(client, acknowledged)).toEqual([...acknowledged].sort());
      expect(await storedUsernames(client, unacknowledged)).toEqual([]);
    } finally {
      await client.end();
    }
  }, 180_000);
});
