import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { EmbeddedDatabase } from '../src/database/embedded-postgres.js';
import { migrations } from '../src/database/migrations/index.js';
import { ROOT, type DatasetSpec, type SeedCounts } from './options.js';

/** The embedded server of the bench: its own data and port, never `npm start`'s. */
const EMBEDDED_DIR = join(ROOT, '.data/bench-postgres');
const EMBEDDED_PORT = 54339;
const SEED_CLI = join(ROOT, 'dist/scripts/seed.js');
const SEED = 42;

export const DEMO_LOGIN = { username: 'demo', password: 'agora-demo-password' };

/** Where the bench databases live. */
export interface BenchDatabaseServer {
  kind: 'embedded' | 'external';
  /** A database on the server to connect to when the bench's own may not exist. */
  adminUrl: string;
  urlFor(database: string): string;
  stop(): Promise<void>;
}

/** BENCH_DATABASE_URL's server, or the bench's embedded PostgreSQL (port 54339). */
export async function openDatabaseServer(): Promise<BenchDatabaseServer> {
  const given = process.env.BENCH_DATABASE_URL?.trim();
  if (given) {
    const admin = new URL(given);
    if (admin.pathname === '' || admin.pathname === '/') admin.pathname = '/postgres';
    return {
      kind: 'external',
      adminUrl: admin.toString(),
      urlFor: (database) => withDatabase(admin, database),
      stop: () => Promise.resolve(),
    };
  }
  const embedded = await EmbeddedDatabase.start({
    dataDir: EMBEDDED_DIR,
    port: EMBEDDED_PORT,
    persistent: true,
    database: 'postgres',
  });
  const admin = new URL(embedded.url);
  return {
    kind: 'embedded',
    adminUrl: admin.toString(),
    urlFor: (database) => withDatabase(admin, database),
    stop: () => embedded.stop(),
  };
}

function withDatabase(server: URL, database: string): string {
  const url = new URL(server.toString());
  url.pathname = `/${database}`;
  return url.toString();
}

export async function withClient<T>(
  url: string,
  fn: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: 'agora-bench' });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function queryRows<T extends object>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  return withClient(url, async (client) => (await client.query<T>(sql, params)).rows);
}

/** Rows per table, as the reuse check compares them. */
export interface RowCounts {
  users: number;
  posts: number;
  publishedPosts: number;
  votes: number;
  tagLinks: number;
  follows: number;
  comments: number;
  demoFollows: number;
}

export interface Dataset {
  spec: DatasetSpec;
  url: string;
  demoId: number;
  seeded: boolean;
  seedSeconds: number | null;
  counts: RowCounts;
}

/** Kept as the database's comment: what it was seeded with and what it then held. */
interface SeedStamp {
  seedArgs: string[];
  migrations: string[];
  counts: RowCounts;
}

/**
 * The dataset, ready to measure: reused when the database was seeded with the
 * same arguments, has every migration applied and holds the same rows as right
 * after its seeding (the demo user's votes aside, which S7 creates and removes);
 * otherwise seeded afresh with `npm run db:seed`'s CLI.
 */
export async function ensureDataset(
  server: BenchDatabaseServer,
  spec: DatasetSpec,
): Promise<Dataset> {
  const url = server.urlFor(spec.database);
  const args = seedArgs(spec.counts);
  const reason = await staleReason(server, spec.database, url, args);
  let seedSeconds: number | null = null;
  if (reason !== null) {
    console.log(`  ${spec.database}: seeding (${reason})…`);
    const started = Date.now();
    await runSeed(url, args);
    seedSeconds = (Date.now() - started) / 1000;
    console.log(`  ${spec.database}: seeded in ${seedSeconds.toFixed(1)} s`);
  } else {
    console.log(`  ${spec.database}: reused (same seed, counts and migrations)`);
  }
  return withClient(url, async (client) => {
    const demoId = await findDemo(client);
    await client.query('DELETE FROM votes WHERE user_id = $1', [demoId]);
    const counts = await countRows(client, demoId);
    if (reason !== null) {
      const stamp: SeedStamp = { seedArgs: args, migrations: migrationNames(), counts };
      await client.query(
        `COMMENT ON DATABASE ${client.escapeIdentifier(spec.database)} IS ${client.escapeLiteral(JSON.stringify(stamp))}`,
      );
      warnOnShortfall(spec, counts);
    }
    return { spec, url, demoId, seeded: reason !== null, seedSeconds, counts };
  });
}

/** Null when the database can be reused as it is; else why not. */
async function staleReason(
  server: BenchDatabaseServer,
  database: string,
  url: string,
  args: string[],
): Promise<string | null> {
  const [row] = await queryRows<{ comment: string | null }>(
    server.adminUrl,
    `SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1`,
    [database],
  );
  if (!row) return 'missing';
  const stamp = parseStamp(row.comment);
  if (!stamp) return 'not seeded by the bench';
  if (JSON.stringify(stamp.seedArgs) !== JSON.stringify(args)) return 'seeded with other sizes';
  return withClient(url, async (client) => {
    const applied = (
      await client.query<{ name: string }>('SELECT name FROM migrations ORDER BY id')
    ).rows.map((r) => r.name);
    if (JSON.stringify(applied) !== JSON.stringify(migrationNames())) return 'migrations changed';
    const demoId = await findDemo(client);
    // Votes an interrupted S7 left behind are not a reason to reseed.
    await client.query('DELETE FROM votes WHERE user_id = $1', [demoId]);
    const counts = await countRows(client, demoId);
    const changed = Object.keys(counts).filter(
      (k) => counts[k as keyof RowCounts] !== stamp.counts[k as keyof RowCounts],
    );
    return changed.length > 0 ? `row counts changed: ${changed.join(', ')}` : null;
  }).catch(
    (error: unknown) => `unreadable (${error instanceof Error ? error.message : String(error)})`,
  );
}

function parseStamp(comment: string | null): SeedStamp | undefined {
  if (!comment) return undefined;
  try {
    const parsed = JSON.parse(comment) as Partial<SeedStamp>;
    return Array.isArray(parsed.seedArgs) && Array.isArray(parsed.migrations) && parsed.counts
      ? (parsed as SeedStamp)
      : undefined;
  } catch {
    return undefined;
  }
}

function seedArgs(counts: SeedCounts): string[] {
  return [
    '--reset',
    ...['users', 'posts', 'votes', 'tag-links', 'follows', 'comments', 'demo-follows'].flatMap(
      (flag) => [`--${flag}`, String(counts[camel(flag)])],
    ),
    '--seed',
    String(SEED),
    '--quiet',
  ];
}

function camel(flag: string): keyof SeedCounts {
  return flag.replace(/-(\w)/g, (_, c: string) => c.toUpperCase()) as keyof SeedCounts;
}

/** The seed creates the database if missing, migrates, loads with COPY, recounts, VACUUM ANALYZE. */
async function runSeed(url: string, args: string[]): Promise<void> {
  if (!existsSync(SEED_CLI)) {
    throw new Error(`${SEED_CLI} is missing: the bench seeds with \`npm run db:seed\`'s CLI.`);
  }
  const child = spawn(
    process.execPath,
    ['--enable-source-maps', SEED_CLI, '--database-url', url, ...args],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  );
  const code = await new Promise<number | null>((done, fail) => {
    child.once('error', fail);
    child.once('exit', done);
  });
  if (code !== 0) throw new Error(`the seed CLI exited with code ${code}`);
}

async function findDemo(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ id: number }>(`SELECT id FROM users WHERE username = $1`, [
    DEMO_LOGIN.username,
  ]);
  if (!rows[0]) throw new Error('the dataset has no demo user');
  return rows[0].id;
}

async function countRows(client: pg.Client, demoId: number): Promise<RowCounts> {
  const { rows } = await client.query<RowCounts>(
    `SELECT (SELECT COUNT(*) FROM users)::int AS users,
            (SELECT COUNT(*) FROM posts)::int AS posts,
            (SELECT COUNT(*) FROM posts WHERE published)::int AS "publishedPosts",
            (SELECT COUNT(*) FROM votes)::int AS votes,
            (SELECT COUNT(*) FROM post_tags)::int AS "tagLinks",
            (SELECT COUNT(*) FROM follows)::int AS follows,
            (SELECT COUNT(*) FROM comments)::int AS comments,
            (SELECT COUNT(*) FROM follows WHERE follower_id = $1)::int AS "demoFollows"`,
    [demoId],
  );
  return rows[0];
}

/** The seed's sizes are targets; say so when a table came out clearly smaller. */
function warnOnShortfall(spec: DatasetSpec, counts: RowCounts): void {
  const pairs: [string, number, number][] = [
    ['users', counts.users, spec.counts.users],
    ['posts', counts.posts, spec.counts.posts],
    ['votes', counts.votes, spec.counts.votes],
    ['post_tags', counts.tagLinks, spec.counts.tagLinks],
    ['follows', counts.follows, spec.counts.follows],
    ['comments', counts.comments, spec.counts.comments],
    ['demo follows', counts.demoFollows, spec.counts.demoFollows],
  ];
  for (const [table, actual, wanted] of pairs) {
    if (actual < wanted * 0.95) {
      console.warn(`  ${spec.database}: ${table} has ${actual} rows, asked for ${wanted}`);
    }
  }
}

export function migrationNames(): string[] {
  return migrations.map((Migration) => new Migration().name ?? Migration.name);
}

export async function serverVersion(url: string): Promise<string> {
  const [row] = await queryRows<{ server_version: string }>(url, 'SHOW server_version');
  return row?.server_version ?? 'unknown';
}

/** S7 leaves no vote behind: the demo user's votes go before and after each of its runs. */
export async function deleteDemoVotes(dataset: Dataset): Promise<void> {
  await queryRows(dataset.url, 'DELETE FROM votes WHERE user_id = $1', [dataset.demoId]);
}

/** application_name of the servers' connections: Agora's data source, the ceiling's pool. */
export const SERVER_APPLICATIONS = ['agora', 'agora-ceiling'];

/**
 * Waits until no server connection has had a statement in flight for 300 ms:
 * when autocannon stops, the requests it abandoned still run, and must not
 * weigh on the next measurement. Returns the milliseconds waited.
 */
export async function waitForQuiet(adminUrl: string, timeoutMs = 60_000): Promise<number> {
  const started = Date.now();
  return withClient(adminUrl, async (client) => {
    let quietPolls = 0;
    while (quietPolls < 3 && Date.now() - started < timeoutMs) {
      const { rows } = await client.query<{ busy: number }>(
        `SELECT COUNT(*)::int AS busy FROM pg_stat_activity
          WHERE application_name = ANY($1) AND state IS DISTINCT FROM 'idle'`,
        [SERVER_APPLICATIONS],
      );
      quietPolls = rows[0].busy === 0 ? quietPolls + 1 : 0;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return Date.now() - started;
  });
}
