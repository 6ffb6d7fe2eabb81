import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { ChildServer, agoraEnv, freePort } from '../bench/server.js';
import { migrations } from '../src/database/migrations/index.js';
import { uniqueName } from './support/api.js';
import { ROOT, buildServer, type ServerBuild } from './support/build.js';
import {
  PinnedConnection,
  connectionsToEachWorker,
  onFreshConnection,
  workerOfFreshConnection,
  type WireResponse,
} from './support/connections.js';
import { ownDatabase } from './support/own-database.js';

/**
 * WORKERS=2: `npm start` as a node:cluster primary and two workers sharing the
 * port, run as its own process from today's src/. Which worker answered a
 * request is observable: `/health` says (its `worker` field), and a TCP
 * connection stays with the worker it was handed to (test/support/connections.ts).
 */

const PASSWORD = 'correct horse battery';
/** What the primary logs when a worker listens (src/cluster/primary.ts). */
const LISTENING = /^level 30: Worker (\d+) \(pid (\d+)\) is listening on port \d+$/;

/** Worker id → pid, of every worker the primary has seen listening so far. */
function listeningWorkers(server: ChildServer): Map<number, number> {
  const found = new Map<number, number>();
  for (const message of Object.keys(server.messages())) {
    const match = LISTENING.exec(message);
    if (match) found.set(Number(match[1]), Number(match[2]));
  }
  return found;
}

/** Waits until the primary has logged `count` workers listening (60 s at most). */
async function waitForWorkers(server: ChildServer, count: number): Promise<Map<number, number>> {
  for (let waited = 0; waited < 60_000; waited += 100) {
    const workers = listeningWorkers(server);
    if (workers.size >= count) return workers;
    if (!server.running) break;
    await sleep(100);
  }
  throw new Error(`fewer than ${count} workers listened:\n${server.lastOutput()}`);
}

function startCluster(
  build: ServerBuild,
  port: number,
  env: NodeJS.ProcessEnv,
): Promise<ChildServer> {
  return ChildServer.start({
    name: 'agora',
    args: [build.main],
    env,
    port,
    healthPath: '/health',
    echo: false,
    cwd: ROOT,
    // Its own process group, as a terminal's foreground job: signalGroup is Ctrl-C.
    processGroup: true,
  });
}

type Sender = (request: Parameters<PinnedConnection['request']>[0]) => Promise<WireResponse>;

function registrationBody(username: string) {
  return { email: `${username.toLowerCase()}@example.com`, username, password: PASSWORD };
}

/** Registers a user and signs in, both through `send`: the user's id and access token. */
async function signUp(send: Sender): Promise<{ id: number; token: string }> {
  const username = uniqueName('wk');
  const created = await send({
    method: 'POST',
    path: '/api/users',
    json: registrationBody(username),
  });
  expect(created.status).toBe(201);
  const login = await send({
    method: 'POST',
    path: '/api/auth/login',
    json: { username, password: PASSWORD },
  });
  expect(login.status).toBe(200);
  return { id: created.body?.id as number, token: login.body?.accessToken as string };
}

/** A token issued through `issuer` is good through `verifier`: GET /api/users/me answers its user. */
async function expectTokenCrosses(issuer: Sender, verifier: Sender): Promise<void> {
  const user = await signUp(issuer);
  const me = await verifier({
    path: '/api/users/me',
    headers: { authorization: `Bearer ${user.token}` },
  });
  expect({ status: me.status, id: me.body?.id }).toEqual({ status: 200, id: user.id });
}

function via(connection: PinnedConnection): Sender {
  return (request) => connection.request(request);
}

describe('WORKERS=2 with DATABASE_URL', () => {
  let build: ServerBuild;
  let server: ChildServer;

  beforeAll(async () => {
    build = await buildServer();
    const port = await freePort();
    server = await startCluster(
      build,
      port,
      agoraEnv(process.env.DATABASE_URL ?? '', {
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        WORKERS: '2',
        DB_POOL_SIZE: '3',
      }),
    );
    await waitForWorkers(server, 2);
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
    await build?.remove();
  });

  it('serves requests from two worker processes, neither of them the primary', async () => {
    const workers = listeningWorkers(server);
    const pids = new Set(workers.values());
    expect(pids.size).toBe(workers.size);
    expect(pids.has(server.pid ?? 0)).toBe(false);

    // Connections go round-robin: eight in a row reach both workers.
    const answered: number[] = [];
    for (let i = 0; i < 8; i += 1) answered.push(await workerOfFreshConnection(server.url));
    expect(new Set(answered).size).toBe(2);
    for (const id of answered) expect(workers.has(id)).toBe(true);
  });

  it('accepts a token and a cursor issued by one worker on the other', async () => {
    const [[first], [second]] = await connectionsToEachWorker(server.url, 2);
    try {
      expect(first.worker).not.toBe(second.worker);
      await expectTokenCrosses(via(first), via(second));
      await expectTokenCrosses(via(second), via(first));

      // Two posts through the first worker; a cursor of its list, followed on the second.
      const author = await signUp(via(first));
      const auth = { authorization: `Bearer ${author.token}` };
      for (const title of ['older', 'newer']) {
        const post = await first.request({
          method: 'POST',
          path: '/api/posts',
          headers: auth,
          json: { title, content: 'across workers', published: true },
        });
        expect(post.status).toBe(201);
      }
      const page = await first.request({ path: `/api/users/${author.id}/posts?limit=1` });
      const meta = page.body?.meta as { nextCursor: string | null };
      expect(meta.nextCursor).toEqual(expect.any(String));
      const next = await second.request({
        path: `/api/users/${author.id}/posts?limit=1&cursor=${encodeURIComponent(meta.nextCursor ?? '')}`,
      });
      expect(next.status).toBe(200);
      expect((next.body?.data as { title: string }[]).map((p) => p.title)).toEqual(['older']);
    } finally {
      first.close();
      second.close();
    }
  });

  it('replaces a worker that is killed, and keeps serving', async () => {
    const before = listeningWorkers(server);
    const [victim, survivor] = [...before.keys()].slice(-2);
    const victimPid = before.get(victim) ?? 0;
    process.kill(victimPid, 'SIGKILL');

    // A new worker (the next id) listens in its place.
    let after = listeningWorkers(server);
    for (let waited = 0; after.size === before.size && waited < 60_000; waited += 100) {
      await sleep(100);
      after = listeningWorkers(server);
    }
    const replacement = Math.max(...after.keys());
    expect(replacement).toBeGreaterThan(Math.max(...before.keys()));
    expect(after.get(replacement)).not.toBe(victimPid);
    expect(server.messages()).toHaveProperty([
      `level 50: Worker ${victim} (pid ${victimPid}) exited unexpectedly (signal SIGKILL); starting another in 200 ms`,
    ]);
    expect(() => process.kill(victimPid, 0)).toThrow(/ESRCH/);

    // The port is served by the survivor and the replacement, and nothing else.
    const answered = new Set<number>();
    for (let i = 0; i < 8; i += 1) answered.add(await workerOfFreshConnection(server.url));
    expect([...answered].sort()).toEqual([survivor, replacement].sort());
    expect(server.running).toBe(true);
  }, 90_000);
});

interface Outcome {
  worker: number;
  /** The request went out on its pinned connection (not on a new one, to an unknown worker). */
  pinned: boolean;
  username: string;
  sentAt: number;
  settledAt: number;
  status?: number;
  detail?: string;
  retryAfter?: string;
  connection?: string;
  error?: string;
}

async function registerOn(connection: PinnedConnection): Promise<Outcome> {
  const username = uniqueName('drain');
  const sentAt = performance.now();
  const base = { worker: connection.worker, username, sentAt };
  try {
    const res = await connection.send({
      method: 'POST',
      path: '/api/users',
      json: registrationBody(username),
    });
    return {
      ...base,
      pinned: res.localPort === connection.port,
      settledAt: performance.now(),
      status: res.status,
      detail: res.body?.detail as string | undefined,
      retryAfter: res.headers['retry-after'],
      connection: res.headers.connection,
    };
  } catch (error) {
    const code = (error as { code?: string }).code;
    return {
      ...base,
      pinned: false,
      settledAt: performance.now(),
      error: code ?? (error as Error).name,
    };
  }
}

describe('WORKERS=2: SIGTERM, or Ctrl-C', () => {
  let build: ServerBuild;

  beforeAll(async () => {
    build = await buildServer();
  });

  afterAll(async () => {
    await build?.remove();
  });

  // Ctrl-C signals the whole process group: each worker gets SIGINT from the
  // terminal and SIGTERM from the primary while it drains.
  it.each([
    ['SIGTERM to the primary', (server: ChildServer) => server.signal('SIGTERM')],
    ['SIGINT to the process group (Ctrl-C)', (server: ChildServer) => server.signalGroup('SIGINT')],
  ])(
    '%s: drains the requests in flight on every worker, closes their pools, exits 0, loses nothing',
    async (_, stop) => {
      const applicationName = `agora-workers-${randomBytes(4).toString('hex')}`;
      const url = new URL(process.env.DATABASE_URL ?? '');
      url.searchParams.set('application_name', applicationName);
      const port = await freePort();
      const server = await startCluster(
        build,
        port,
        agoraEnv(url.toString(), {
          PORT: String(port),
          HOST: '127.0.0.1',
          LOG_LEVEL: 'info',
          WORKERS: '2',
          DB_POOL_SIZE: '3',
        }),
      );
      const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await admin.connect();
      try {
        await waitForWorkers(server, 2);
        // Three connections to each worker, each registering users (slow: a password hash each).
        const connections = (await connectionsToEachWorker(server.url, 2, 3)).flat();
        const outcomes: Outcome[] = [];
        const clients = connections.map(async (connection) => {
          for (;;) {
            const outcome = await registerOn(connection);
            outcomes.push(outcome);
            // Closing began on this worker (or the connection went): this client is done.
            if (!outcome.pinned || outcome.connection === 'close' || outcome.status !== 201) break;
          }
          connection.close();
        });
        const acknowledged = () => outcomes.filter((o) => o.status === 201);
        for (let waited = 0; acknowledged().length < 12 && waited < 30_000; waited += 50) {
          await sleep(50);
        }
        const sessionsUnderLoad = await sessions(admin, applicationName);
        const signalAt = performance.now();
        stop(server);
        const exit = await Promise.race([
          server.exited,
          sleep(60_000, undefined, { ref: false }).then(() => 'still running' as const),
        ]);
        if (exit === 'still running') server.signal('SIGKILL');
        await Promise.all(clients);
        expect(exit).toEqual({ code: 0, signal: null });

        // Every answer is a registration or the shutdown's 503 problem; nothing hung.
        expect(
          outcomes.filter((o) => o.error === 'TimeoutError' || o.error === 'AbortError'),
        ).toEqual([]);
        expect(
          outcomes.filter(
            (o) =>
              o.status !== undefined &&
              o.status !== 201 &&
              !(o.status === 503 && o.retryAfter === '5'),
          ),
        ).toEqual([]);
        expect(outcomes.filter((o) => o.settledAt < signalAt && o.status !== 201)).toEqual([]);
        // On each worker, registrations running when the signal came finished with their 201.
        const drained = outcomes.filter(
          (o) => o.pinned && o.sentAt < signalAt && o.settledAt > signalAt && o.status === 201,
        );
        expect(new Set(drained.map((o) => o.worker)).size).toBe(2);

        // Both pools had sessions and closed them; the port is closed.
        expect(sessionsUnderLoad).toBeGreaterThan(0);
        for (let waited = 0; (await sessions(admin, applicationName)) > 0 && waited < 5000;) {
          await sleep(100);
          waited += 100;
        }
        expect(await sessions(admin, applicationName)).toBe(0);
        await expect(onFreshConnection(server.url, { path: '/health' })).rejects.toMatchObject({
          code: 'ECONNREFUSED',
        });
        expect(Object.keys(server.messages()).filter((m) => /^level (50|60)/.test(m))).toEqual([]);

        // Every acknowledged registration is stored, and no other.
        const stored = async (names: string[]) =>
          (
            await admin.query<{ username: string }>(
              'SELECT username FROM users WHERE username = ANY($1)',
              [names],
            )
          ).rows
            .map((r) => r.username)
            .sort();
        const yes = acknowledged().map((o) => o.username);
        const no = outcomes.filter((o) => o.status !== 201).map((o) => o.username);
        expect(await stored(yes)).toEqual([...yes].sort());
        expect(await stored(no)).toEqual([]);
      } finally {
        await admin.end();
        if (server.running) server.signal('SIGKILL');
      }
    },
    180_000,
  );
});

async function sessions(client: pg.Client, applicationName: string): Promise<number> {
  const { rows } = await client.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1',
    [applicationName],
  );
  return rows[0].n;
}

describe('WORKERS=2 with embedded PostgreSQL and no JWT_SECRET (development)', () => {
  let build: ServerBuild;

  beforeAll(async () => {
    build = await buildServer();
  });

  afterAll(async () => {
    await build?.remove();
  });

  it('starts the database once, shares one generated secret, and on Ctrl-C stops the database after the workers', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'agora-workers-'));
    const dbPort = await freePort();
    const port = await freePort();
    const env = agoraEnv('', {
      NODE_ENV: 'development',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      WORKERS: '2',
      EMBEDDED_DB_DIR: dataDir,
      EMBEDDED_DB_PORT: String(dbPort),
    });
    delete env.DATABASE_URL;
    delete env.JWT_SECRET;
    try {
      // `npm start` in a terminal: the primary leads the foreground process group, and
      // its workers are in it too, so Ctrl-C's SIGINT reaches each of them besides the
      // primary's own SIGTERM.
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
      try {
        await waitForWorkers(server, 2);
        const [[first], [second]] = await connectionsToEachWorker(server.url, 2);
        try {
          await expectTokenCrosses(via(first), via(second));
          await expectTokenCrosses(via(second), via(first));
        } finally {
          first.close();
          second.close();
        }
        const messages = server.messages();
        // One database server, started by the primary; one secret, made by the primary.
        expect(messages[`level 30: Embedded PostgreSQL is running on 127.0.0.1:${dbPort}`]).toBe(1);
        expect(
          messages[
            'level 40: JWT_SECRET is not set: using a random secret shared by the 2 workers ' +
              '(tokens will not survive a restart). Set JWT_SECRET in production.'
          ],
        ).toBe(1);
        expect(
          Object.keys(messages).filter((m) => m.includes('random secret for this process')),
        ).toEqual([]);
        // Without REDIS_URL, the primary says that limits are counted per worker.
        expect(
          Object.keys(messages).filter((m) =>
            m.startsWith('level 40: REDIS_URL is not set: each of the 2 workers counts'),
          ),
        ).toHaveLength(1);
      } finally {
        server.signalGroup('SIGINT');
      }
      expect(await server.exited).toEqual({ code: 0, signal: null });
      // Both workers finished cleanly (a second signal changes nothing), then the cluster stopped.
      const exits = Object.keys(server.messages()).filter((m) =>
        /^level 30: Worker \d+ \(pid \d+\) exited/.test(m),
      );
      expect(exits).toHaveLength(2);
      for (const line of exits) expect(line).toMatch(/exited \(code 0\)$/);
      expect(existsSync(join(dataDir, 'postmaster.pid'))).toBe(false);
      const probe = new pg.Client({ host: '127.0.0.1', port: dbPort, user: 'postgres' });
      await expect(probe.connect()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});

describe('WORKERS=2: workers that cannot start', () => {
  let build: ServerBuild;

  beforeAll(async () => {
    build = await buildServer();
  });

  afterAll(async () => {
    await build?.remove();
  });

  it('gives up, saying so, when workers die at boot again and again', async () => {
    // The port is taken: every worker fails to listen.
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      const child = spawn(process.execPath, [build.main], {
        cwd: ROOT,
        env: agoraEnv(process.env.DATABASE_URL ?? '', {
          PORT: String(port),
          HOST: '127.0.0.1',
          LOG_LEVEL: 'warn',
          WORKERS: '2',
          DB_POOL_SIZE: '2',
        }),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).toBe(1);
      expect(output).toContain('EADDRINUSE');
      expect(output).toMatch(
        /exited \(code 1\) before listening, as did the 2 started before it in its place: giving up/,
      );
    } finally {
      blocker.close();
    }
  }, 180_000);
});

/**
 * A TCP gate in front of PostgreSQL: it accepts connections and holds them,
 * unanswered, until opened; then each goes through to the server. Instances
 * whose first connection waits here all go on at the same moment, into their
 * migrations, however unevenly the machine let them boot.
 */
class ConnectionGate {
  private readonly held: Socket[] = [];
  private opened = false;

  private constructor(
    private readonly server: Server,
    private readonly target: { host: string; port: number },
  ) {}

  static async start(target: { host: string; port: number }): Promise<ConnectionGate> {
    const server = createServer();
    const gate = new ConnectionGate(server, target);
    server.on('connection', (client) => {
      client.on('error', () => undefined);
      if (gate.opened) gate.forward(client);
      else gate.held.push(client);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return gate;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Connections held so far. */
  get waiting(): number {
    return this.held.length;
  }

  open(): void {
    this.opened = true;
    for (const client of this.held.splice(0)) this.forward(client);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private forward(client: Socket): void {
    const upstream = connect(this.target.port, this.target.host);
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream).pipe(client);
  }
}

const INSTANCES = 20;

describe(`${INSTANCES} instances starting at once on a fresh database`, () => {
  let build: ServerBuild;
  const db = ownDatabase('agora_workers');
  let gate: ConnectionGate;

  beforeAll(async () => {
    build = await buildServer();
    await db.admin(`CREATE DATABASE "${db.name}"`);
    const server = new URL(process.env.DATABASE_URL ?? '');
    gate = await ConnectionGate.start({
      host: server.hostname,
      port: Number(server.port || 5432),
    });
  });

  afterAll(async () => {
    await gate?.close();
    await db.drop();
    await build?.remove();
  });

  it('apply the migrations exactly once, and all serve', async () => {
    const viaGate = new URL(db.url);
    viaGate.hostname = '127.0.0.1';
    viaGate.port = String(gate.port);
    const starting = Array.from({ length: INSTANCES }, async () => {
      const port = await freePort();
      return startCluster(
        build,
        port,
        agoraEnv(viaGate.toString(), {
          PORT: String(port),
          HOST: '127.0.0.1',
          LOG_LEVEL: 'info',
          DB_POOL_SIZE: '2',
          // Their first connection waits at the gate until all have one there.
          DB_CONNECT_TIMEOUT_MS: '170000',
        }),
      );
    });
    for (let waited = 0; gate.waiting < INSTANCES && waited < 170_000; waited += 100) {
      await sleep(100);
    }
    expect(gate.waiting).toBe(INSTANCES);
    gate.open();
    const settled = await Promise.allSettled(starting);
    const instances = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    try {
      // Every instance started (none failed on another's half-applied migration)...
      expect(settled.filter((s) => s.status === 'rejected')).toEqual([]);
      // ...one of them applied every migration, and the others none.
      const applied = instances.flatMap((s) =>
        Object.keys(s.messages()).filter((m) => m.startsWith('level 30: Applied ')),
      );
      expect(applied).toEqual([`level 30: Applied ${migrations.map((m) => m.name).join(', ')}`]);
      for (const instance of instances) {
        expect(Object.keys(instance.messages()).filter((m) => /^level (50|60)/.test(m))).toEqual(
          [],
        );
      }
      // Each migration is recorded once, in order.
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ name: string }>(
          'SELECT name FROM migrations ORDER BY id',
        );
        expect(rows.map((r) => r.name)).toEqual(migrations.map((m) => m.name));
      } finally {
        await client.end();
      }
    } finally {
      for (const instance of instances) instance.signal('SIGTERM');
      const exits = await Promise.all(instances.map((s) => s.exited));
      expect(exits).toEqual(instances.map(() => ({ code: 0, signal: null })));
    }
  }, 400_000);
});
