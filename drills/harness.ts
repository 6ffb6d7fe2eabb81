import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { ChildServer, agoraEnv, freePort, startProdArgs } from '../bench/server.js';
import { ROOT } from '../bench/options.js';
import { EmbeddedDatabase } from '../src/database/embedded-postgres.js';
import { COUNTER_DRIFT_SQL, type CounterDrift } from '../src/database/counter-drift.js';
import { queryOnce } from '../test/support/replication.js';
import { TcpProxy } from './tcp-proxy.js';

/**
 * What the drills run against: a database of their own, on a server they can
 * take away. Embedded: a throwaway cluster that is really stopped and started.
 * DATABASE_URL: a fresh database on that server, reached through a TCP proxy
 * that the drill closes (refused connections, dropped sockets) and reopens,
 * since a drill must not stop a server others use.
 */
export interface DrillDatabase {
  kind: 'embedded' | 'server';
  /** What Agora connects to. */
  url: string;
  /** A direct connection for the drill's own checks. */
  directUrl: string;
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function openDrillDatabase(): Promise<DrillDatabase> {
  const name = `agora_drill_${randomBytes(5).toString('hex')}`;
  const given = process.env.DATABASE_URL?.trim();
  if (given) {
    const admin = new URL(given);
    const direct = new URL(given);
    direct.pathname = `/${name}`;
    await queryOnce(admin.toString(), `CREATE DATABASE "${name}"`);
    const proxy = await TcpProxy.start({
      host: direct.hostname,
      port: Number(direct.port || 5432),
    });
    const viaProxy = new URL(direct.toString());
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    return {
      kind: 'server',
      url: viaProxy.toString(),
      directUrl: direct.toString(),
      down: () => proxy.down(),
      up: () => proxy.up(),
      close: async () => {
        await proxy.down();
        await queryOnce(admin.toString(), `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      },
    };
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'agora-drill-'));
  const port = await freePort();
  const options = { dataDir, port, persistent: true, database: name };
  let server: EmbeddedDatabase | undefined = await EmbeddedDatabase.start(options);
  const url = server.url;
  return {
    kind: 'embedded',
    url,
    directUrl: url,
    down: async () => {
      await server?.stop();
      server = undefined;
    },
    up: async () => {
      server ??= await EmbeddedDatabase.start(options);
    },
    close: async () => {
      await server?.stop();
      server = undefined;
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export async function withDirect<T>(
  url: string,
  fn: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** The production build against the drill's database. */
export async function startDrillAgora(
  databaseUrl: string,
  extra: Record<string, string> = {},
): Promise<ChildServer> {
  const port = await freePort();
  return ChildServer.start({
    name: 'agora',
    args: startProdArgs(),
    env: agoraEnv(databaseUrl, {
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      DB_CONNECT_TIMEOUT_MS: '1000',
      DB_STATEMENT_TIMEOUT_MS: '3000',
      // The drill's clients all come from 127.0.0.1 and log in once each.
      LOGIN_MAX_FAILURES_PER_CLIENT: '10000',
      ...extra,
    }),
    port,
    healthPath: '/health',
  });
}

/** One answer as the drill saw it. */
export interface Outcome {
  action: string;
  status: number;
  /** `timeout` (no answer within the limit) or `network` (connection failed). */
  failure?: 'timeout' | 'network';
  ms: number;
  problem: boolean;
  retryAfter: string | null;
  body: unknown;
}

export interface Session {
  userId: number;
  token: string;
}

/** An HTTP client that records every answer, bounded by a timeout. */
export class Recorder {
  readonly outcomes: (Outcome & { at: number })[] = [];

  constructor(
    readonly baseUrl: string,
    private readonly timeoutMs: number,
  ) {}

  async send(
    action: string,
    method: string,
    path: string,
    options: { token?: string; body?: unknown } = {},
  ): Promise<Outcome> {
    const started = performance.now();
    const at = Date.now();
    let outcome: Outcome;
    try {
      const res = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}),
          ...(options.body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const text = await res.text();
      const type = res.headers.get('content-type') ?? '';
      outcome = {
        action,
        status: res.status,
        ms: performance.now() - started,
        problem: type.startsWith('application/problem+json'),
        retryAfter: res.headers.get('retry-after'),
        body: text && type.includes('json') ? (JSON.parse(text) as unknown) : text,
      };
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      outcome = {
        action,
        status: 0,
        failure: timedOut ? 'timeout' : 'network',
        ms: performance.now() - started,
        problem: false,
        retryAfter: null,
        body: String(error),
      };
    }
    this.outcomes.push({ ...outcome, at });
    return outcome;
  }

  /** Outcomes per status (0: no answer), per action. */
  tally(from = 0, to = Infinity): Record<string, Record<string, number>> {
    const table: Record<string, Record<string, number>> = {};
    for (const o of this.outcomes) {
      if (o.at < from || o.at >= to) continue;
      const key = o.failure ?? String(o.status);
      table[o.action] ??= {};
      table[o.action][key] = (table[o.action][key] ?? 0) + 1;
    }
    return table;
  }
}

/** Registers and logs in n users; returns their sessions. */
export async function signUp(recorder: Recorder, n: number, prefix: string): Promise<Session[]> {
  const password = 'drill password 123';
  const sessions: Session[] = [];
  for (let i = 0; i < n; i += 1) {
    const username = `${prefix}${i}_${randomBytes(3).toString('hex')}`;
    const created = await recorder.send('register', 'POST', '/api/users', {
      body: { email: `${username}@example.com`, username, password },
    });
    if (created.status !== 201) throw new Error(`registering failed: ${JSON.stringify(created)}`);
    const login = await recorder.send('login', 'POST', '/api/auth/login', {
      body: { username, password },
    });
    if (login.status !== 200) throw new Error(`login failed: ${JSON.stringify(login)}`);
    sessions.push({
      userId: (created.body as { id: number }).id,
      token: (login.body as { accessToken: string }).accessToken,
    });
  }
  return sessions;
}

/**
 * Mixed traffic of one signed-in client until `until()`: reads of lists and
 * posts, new posts and comments, votes and follows toggled. Every write
 * answered 2xx goes into the ledger, so the drill can check it was kept.
 */
export class Ledger {
  readonly posts = new Set<number>();
  readonly comments = new Set<number>();
  /** `${userId}:${postId}` → the last acknowledged vote state, or undefined if unsure. */
  readonly votes = new Map<string, boolean | undefined>();
  readonly follows = new Map<string, boolean | undefined>();
  acknowledged = 0;
}

export async function client(
  recorder: Recorder,
  me: Session,
  everyone: Session[],
  ledger: Ledger,
  until: () => boolean,
  random: () => number,
): Promise<void> {
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)];
  while (!until()) {
    const posts = [...ledger.posts];
    // Until some post was written, write one: every other action needs one.
    const roll = posts.length === 0 ? 0.6 : random();
    const token = me.token;
    if (roll < 0.3) {
      await recorder.send('list', 'GET', '/api/posts?limit=10', { token });
    } else if (roll < 0.45) {
      await recorder.send('read', 'GET', `/api/posts/${pick(posts)}`, { token });
    } else if (roll < 0.55) {
      await recorder.send('feed', 'GET', '/api/feed?limit=10', { token });
    } else if (roll < 0.65) {
      const r = await recorder.send('post', 'POST', '/api/posts', {
        token,
        body: { title: 'Drill post', content: 'Written under load.', tags: [pick(TAGS)] },
      });
      if (r.status === 201) {
        ledger.posts.add((r.body as { id: number }).id);
        ledger.acknowledged += 1;
      }
    } else if (roll < 0.75) {
      const r = await recorder.send('comment', 'POST', `/api/posts/${pick(posts)}/comments`, {
        token,
        body: { body: 'A drill comment.' },
      });
      if (r.status === 201) {
        ledger.comments.add((r.body as { id: number }).id);
        ledger.acknowledged += 1;
      }
    } else if (roll < 0.9) {
      await toggle(recorder, ledger.votes, `${me.userId}:${pick(posts)}`, token, 'vote', (key) => {
        const postId = key.split(':')[1];
        return `/api/posts/${postId}/votes`;
      }).then((n) => (ledger.acknowledged += n));
    } else {
      const other = pick(everyone.filter((s) => s.userId !== me.userId));
      await toggle(
        recorder,
        ledger.follows,
        `${me.userId}:${other.userId}`,
        token,
        'follow',
        () => `/api/users/${other.userId}/follow`,
      ).then((n) => (ledger.acknowledged += n));
    }
  }
}

const TAGS = ['drill', 'load', 'outage', 'soak', 'postgres'];

/** Flips a vote or follow; records the new state when acknowledged, "unsure" when not answered. */
async function toggle(
  recorder: Recorder,
  states: Map<string, boolean | undefined>,
  key: string,
  token: string,
  action: string,
  path: (key: string) => string,
): Promise<number> {
  const current = states.get(key);
  const on = current !== true;
  const r = await recorder.send(action, on ? 'POST' : 'DELETE', path(key), { token });
  if (r.status >= 200 && r.status < 300) {
    states.set(key, on);
    return 1;
  }
  // 409 (already there) and 404 (not there) settle the state too.
  if (r.status === 409) states.set(key, true);
  else if (r.status === 404 && !on) states.set(key, false);
  else states.set(key, undefined);
  return 0;
}

/** Acknowledged writes missing from the database, and votes or follows in the wrong state. */
export async function verifyLedger(url: string, ledger: Ledger): Promise<string[]> {
  return withDirect(url, async (db) => {
    const problems: string[] = [];
    const posts = await db.query<{ id: number }>('SELECT id FROM posts WHERE id = ANY($1)', [
      [...ledger.posts],
    ]);
    if (posts.rowCount !== ledger.posts.size) {
      problems.push(`${ledger.posts.size - (posts.rowCount ?? 0)} acknowledged posts are missing`);
    }
    // A comment goes with its post only if the post was deleted, which the drill never does.
    const comments = await db.query('SELECT id FROM comments WHERE id = ANY($1)', [
      [...ledger.comments],
    ]);
    if (comments.rowCount !== ledger.comments.size) {
      problems.push(
        `${ledger.comments.size - (comments.rowCount ?? 0)} acknowledged comments are missing`,
      );
    }
    for (const [table, states, a, b] of [
      ['votes', ledger.votes, 'user_id', 'post_id'],
      ['follows', ledger.follows, 'follower_id', 'followee_id'],
    ] as const) {
      const known = [...states].filter(([, state]) => state !== undefined);
      const stored = await db.query<{ key: string }>(
        `SELECT ${a} || ':' || ${b} AS key FROM ${table} WHERE ${a} || ':' || ${b} = ANY($1)`,
        [known.map(([key]) => key)],
      );
      const present = new Set(stored.rows.map((r) => r.key));
      const wrong = known.filter(([key, state]) => present.has(key) !== state).length;
      if (wrong > 0)
        problems.push(`${wrong} of ${known.length} acknowledged ${table} are not as answered`);
    }
    return problems;
  });
}

/** Counters the triggers keep, against counts of the rows: the names of those that differ. */
export async function verifyCounters(url: string): Promise<string[]> {
  return withDirect(url, async (db) => {
    const { rows } = await db.query<CounterDrift>(COUNTER_DRIFT_SQL);
    return Object.entries(rows[0])
      .filter(([, wrong]) => wrong > 0)
      .map(([check, wrong]) => `${check}: ${wrong} rows differ`);
  });
}

/** A small deterministic generator (mulberry32), so a drill's traffic can be replayed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function writeDrillResult(name: string, result: unknown): Promise<string> {
  const dir = join(ROOT, 'drills/results');
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${name}.json`);
  await writeFile(path, `${JSON.stringify(result, null, 2)}\n`);
  return path;
}

/** Runs a drill and exits with its code: 0 passed, 1 failed or crashed. */
export function runDrill(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}

export function numberFlag(argv: string[], name: string, fallback: number): number {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(argv[i + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} needs a positive number`);
  return value;
}

export { sleep };
