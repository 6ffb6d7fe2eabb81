import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { followedAuthors } from '../scripts/seed/followed-authors.js';
import { databaseSettings } from '../src/config/database.config.js';
import { plannerOptions } from '../src/database/planner-settings.js';
import { validateEnv } from '../src/config/env.validation.js';
import { dataSourceOptions, runMigrations } from '../src/database/data-source.js';
import { EmbeddedDatabase } from '../src/database/embedded-postgres.js';
import { migrations } from '../src/database/migrations/index.js';
import { startReplicaOf, type PgServer } from '../test/support/replication.js';
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
  /** The embedded server's data directory (what a replica is copied from). */
  dataDir?: string;
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
    dataDir: EMBEDDED_DIR,
    stop: () => embedded.stop(),
  };
}

/**
 * `--replica`: a streaming replica of the bench's embedded server
 * (test/support/replication.ts: a copy of its data directory in backup mode
 * and a replication slot), in a temporary directory. stop() stops it, drops
 * the slot (else the bench server would keep WAL for it for ever) and deletes
 * the copy.
 */
export async function startBenchReplica(
  server: BenchDatabaseServer,
): Promise<{ urlFor(database: string): string; stop(): Promise<void> }> {
  if (server.kind !== 'embedded' || !server.dataDir) {
    throw new Error(
      "--replica copies the bench's embedded server (unset BENCH_DATABASE_URL), " +
        "as a replica of another server needs that server's own files",
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'agora-bench-replica-'));
  const slot = `agora_bench_replica_${process.pid}`;
  const primary = {
    dataDir: server.dataDir,
    url: (database = 'postgres') => server.urlFor(database),
  };
  const dropSlot = () =>
    withClient(server.adminUrl, (client) =>
      client.query(
        'SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1',
        [slot],
      ),
    ).catch(() => undefined);
  let replica: PgServer;
  try {
    replica = await startReplicaOf(primary, join(dir, 'data'), { slot });
  } catch (error) {
    await dropSlot();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    urlFor: (database) => replica.url(database),
    stop: async () => {
      await replica.stop();
      await dropSlot();
      await rm(dir, { recursive: true, force: true });
    },
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
  // Agora's planner settings, so that EXPLAIN shows the plans Agora's connections get.
  const client = new pg.Client({
    connectionString: url,
    application_name: 'agora-bench',
    options: plannerOptions(),
  });
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
  /** Followers of each extra author of the seed (`--followed-authors`), by username. */
  authorFollowers: Record<string, number>;
}

/** An extra author of the seed (S8 publishes as it), with the followers it really has. */
export interface FollowedAuthor {
  id: number;
  username: string;
  /** Followers the bench asked the seed for. */
  wanted: number;
  followers: number;
}

export interface Dataset {
  spec: DatasetSpec;
  url: string;
  demoId: number;
  authors: FollowedAuthor[];
  /** Seeded by this run (else reused, possibly after migrating). */
  seeded: boolean;
  /** How long its seed took: in this run, or when it was seeded (kept in the database's comment). */
  seedSeconds: number | null;
  seededAt: string | null;
  /** Migrations this run applied to a reused dataset instead of reseeding it. */
  migrated: MigrationRun | null;
  counts: RowCounts;
}

/** Pending migrations applied to a dataset the bench kept. */
export interface MigrationRun {
  names: string[];
  at: string;
  /** The migrations, then VACUUM (ANALYZE). */
  seconds: number;
  /** Counted values that differ from those recorded before (the record is then updated). */
  countsChanged: string[];
}

/** Kept as the database's comment: what it was seeded with and what it then held. */
interface SeedStamp {
  seedArgs: string[];
  /** The migrations the dataset has, as of its seed or of the bench's last migration of it. */
  migrations: string[];
  counts: RowCounts;
  /** Seconds the seed CLI took (absent in stamps written before it was recorded). */
  seedSeconds?: number;
  seededAt?: string;
  /** Migrations applied to it since, oldest first. */
  migratedLater?: MigrationRun[];
}

/** What to do with a dataset's database. */
type Verdict =
  | { action: 'seed'; reason: string }
  | { action: 'reuse'; stamp: SeedStamp }
  | { action: 'migrate'; stamp: SeedStamp; pending: string[] };

/**
 * The dataset, ready to measure: reused when the database was seeded with the
 * same arguments and holds the same rows as right after its seeding (the
 * bench's own writes aside: the demo user's votes, the followed authors'
 * posts); migrated in place when it only lacks migrations newer than those it
 * has (reseeding the 10× dataset takes long); otherwise seeded afresh with
 * `npm run db:seed`'s CLI.
 */
export async function ensureDataset(
  server: BenchDatabaseServer,
  spec: DatasetSpec,
): Promise<Dataset> {
  const url = server.urlFor(spec.database);
  const args = seedArgs(spec);
  const verdict = await inspect(server, spec.database, url, args);
  let stamp: SeedStamp | null = null;
  let migrated: MigrationRun | null = null;
  let seedSeconds: number | null = null;
  if (verdict.action === 'seed') {
    console.log(`  ${spec.database}: seeding (${verdict.reason})…`);
    const started = Date.now();
    await runSeed(url, args);
    seedSeconds = (Date.now() - started) / 1000;
    console.log(`  ${spec.database}: seeded in ${seedSeconds.toFixed(1)} s`);
  } else {
    stamp = verdict.stamp;
    seedSeconds = stamp.seedSeconds ?? null;
    const took = seedSeconds === null ? '' : `; its seed took ${seedSeconds.toFixed(1)} s`;
    if (verdict.action === 'migrate') {
      console.log(
        `  ${spec.database}: same seed and counts, behind on migrations: applying ${verdict.pending.join(', ')}${took}…`,
      );
      migrated = await migrate(url, spec.database, verdict.pending);
    } else {
      console.log(`  ${spec.database}: reused (same seed, counts and migrations${took})`);
    }
  }
  return withClient(url, async (client) => {
    const demoId = await findDemo(client);
    const usernames = authorUsernames(spec);
    await resetWritesFor(client, demoId, await authorIds(client, usernames));
    const counts = await countRows(client, demoId, usernames);
    if (verdict.action === 'seed') {
      stamp = {
        seedArgs: args,
        migrations: migrationNames(),
        counts,
        seedSeconds: seedSeconds ?? undefined,
        seededAt: new Date().toISOString(),
      };
      await writeStamp(client, spec.database, stamp);
      warnOnShortfall(spec, counts);
    } else if (migrated && stamp) {
      migrated.countsChanged = changedCounts(counts, stamp.counts);
      if (migrated.countsChanged.length > 0) {
        console.log(
          `  ${spec.database}: the migrations changed ${migrated.countsChanged.join(', ')}: recorded anew`,
        );
      }
      stamp = {
        ...stamp,
        migrations: migrationNames(),
        counts,
        migratedLater: [...(stamp.migratedLater ?? []), migrated],
      };
      await writeStamp(client, spec.database, stamp);
    }
    return {
      spec,
      url,
      demoId,
      authors: await findAuthors(client, spec, counts),
      seeded: verdict.action === 'seed',
      seedSeconds,
      seededAt: stamp?.seededAt ?? null,
      migrated,
      counts,
    };
  });
}

async function writeStamp(client: pg.Client, database: string, stamp: SeedStamp): Promise<void> {
  await client.query(
    `COMMENT ON DATABASE ${client.escapeIdentifier(database)} IS ${client.escapeLiteral(JSON.stringify(stamp))}`,
  );
}

/** The keys whose values differ (compared as JSON: the followers per author are an object). */
function changedCounts(now: RowCounts, before: RowCounts): string[] {
  return Object.keys(now).filter(
    (k) =>
      JSON.stringify(now[k as keyof RowCounts]) !== JSON.stringify(before[k as keyof RowCounts]),
  );
}

/** Reseed, reuse, or migrate then reuse. */
async function inspect(
  server: BenchDatabaseServer,
  database: string,
  url: string,
  args: string[],
): Promise<Verdict> {
  const [row] = await queryRows<{ comment: string | null }>(
    server.adminUrl,
    `SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1`,
    [database],
  );
  const seed = (reason: string): Verdict => ({ action: 'seed', reason });
  if (!row) return seed('missing');
  const stamp = parseStamp(row.comment);
  if (!stamp) return seed('not seeded by the bench');
  if (JSON.stringify(stamp.seedArgs) !== JSON.stringify(args))
    return seed('seeded with other sizes');
  return withClient(url, async (client): Promise<Verdict> => {
    const applied = (
      await client.query<{ name: string }>('SELECT name FROM migrations ORDER BY id')
    ).rows.map((r) => r.name);
    const known = migrationNames();
    // Only migrations newer than all it has can be applied on top; anything else
    // (one the code no longer has, another order) means another schema history.
    const behind = applied.length < known.length && applied.every((name, i) => name === known[i]);
    if (!behind && JSON.stringify(applied) !== JSON.stringify(known)) {
      return seed('migrations differ from the code');
    }
    // The rows are checked before migrating: a migration must not run on a dataset
    // that is not the one recorded.
    const demoId = await findDemo(client);
    // Writes an interrupted S7 or S8 left behind are not a reason to reseed.
    const usernames = Object.keys(stamp.counts.authorFollowers ?? {});
    await resetWritesFor(client, demoId, await authorIds(client, usernames));
    const counts = await countRows(client, demoId, usernames);
    const changed = changedCounts(counts, stamp.counts);
    if (changed.length > 0) return seed(`row counts changed: ${changed.join(', ')}`);
    return behind
      ? { action: 'migrate', stamp, pending: known.slice(applied.length) }
      : { action: 'reuse', stamp };
  }).catch((error: unknown): Verdict =>
    seed(`unreadable (${error instanceof Error ? error.message : String(error)})`),
  );
}

/**
 * The app's pending migrations, as the app applies them on start (its data
 * source, the same advisory lock), but without the app's statement timeout:
 * on the 10× dataset a migration's backfill runs for minutes. Then VACUUM
 * (ANALYZE), so new tables and columns have statistics and a visibility map
 * before anything is measured, as after a seed.
 */
async function migrate(url: string, database: string, pending: string[]): Promise<MigrationRun> {
  const started = Date.now();
  const options = dataSourceOptions(databaseSettings(validateEnv({})), url);
  const dataSource = await new DataSource({
    ...options,
    poolSize: 2,
    applicationName: 'agora-bench-migrate',
    extra: {
      ...(options.extra as Record<string, unknown>),
      statement_timeout: 0,
      idle_in_transaction_session_timeout: 0,
      query_timeout: undefined,
    },
  } as DataSourceOptions).initialize();
  let applied: string[];
  try {
    applied = await runMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }
  if (JSON.stringify(applied) !== JSON.stringify(pending)) {
    throw new Error(
      `${database}: expected to apply ${pending.join(', ')}, applied ${applied.join(', ') || 'nothing'}`,
    );
  }
  await withClient(url, (client) => client.query('VACUUM (ANALYZE)'));
  const seconds = (Date.now() - started) / 1000;
  console.log(`  ${database}: migrated and vacuumed in ${seconds.toFixed(1)} s`);
  return { names: applied, at: new Date(started).toISOString(), seconds, countsChanged: [] };
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

function seedArgs(spec: DatasetSpec): string[] {
  return [
    '--reset',
    ...['users', 'posts', 'votes', 'tag-links', 'follows', 'comments', 'demo-follows'].flatMap(
      (flag) => [`--${flag}`, String(spec.counts[camel(flag)])],
    ),
    '--followed-authors',
    spec.followedAuthors.join(','),
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

async function countRows(
  client: pg.Client,
  demoId: number,
  authorUsernames: string[],
): Promise<RowCounts> {
  const { rows } = await client.query<Omit<RowCounts, 'authorFollowers'>>(
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
  const followers = await client.query<{ username: string; followers: number }>(
    `SELECT u.username,
            (SELECT COUNT(*) FROM follows f WHERE f.followee_id = u.id)::int AS followers
       FROM users u WHERE u.username = ANY($1) ORDER BY u.username`,
    [authorUsernames],
  );
  return {
    ...rows[0],
    authorFollowers: Object.fromEntries(followers.rows.map((r) => [r.username, r.followers])),
  };
}

/** The seed's extra authors for this dataset (followed-authors.ts names them). */
function authorUsernames(spec: DatasetSpec): string[] {
  return followedAuthors(spec.counts.users, spec.followedAuthors).map((a) => a.username);
}

async function authorIds(client: pg.Client, usernames: string[]): Promise<number[]> {
  const { rows } = await client.query<{ id: number }>(
    'SELECT id FROM users WHERE username = ANY($1)',
    [usernames],
  );
  return rows.map((r) => r.id);
}

async function findAuthors(
  client: pg.Client,
  spec: DatasetSpec,
  counts: RowCounts,
): Promise<FollowedAuthor[]> {
  const planned = followedAuthors(spec.counts.users, spec.followedAuthors);
  const ids = new Map(
    (
      await client.query<{ id: number; username: string }>(
        'SELECT id, username FROM users WHERE username = ANY($1)',
        [planned.map((a) => a.username)],
      )
    ).rows.map((r) => [r.username, r.id]),
  );
  return planned.map((a) => {
    const id = ids.get(a.username);
    if (id === undefined) throw new Error(`${spec.database} has no user ${a.username}`);
    return {
      id,
      username: a.username,
      wanted: a.wanted,
      followers: counts.authorFollowers[a.username] ?? 0,
    };
  });
}

/**
 * What the write scenarios leave behind, gone: the demo user's votes (S7) and
 * the followed authors' posts (S8; with their tag links). Before and after
 * every write run, and before the reuse check.
 */
async function resetWritesFor(
  client: pg.Client,
  demoId: number,
  authorIds: number[],
): Promise<void> {
  await client.query('DELETE FROM votes WHERE user_id = $1', [demoId]);
  if (authorIds.length > 0) {
    await client.query('DELETE FROM posts WHERE author_id = ANY($1)', [authorIds]);
  }
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
  for (const author of followedAuthors(spec.counts.users, spec.followedAuthors)) {
    const followers = counts.authorFollowers[author.username] ?? 0;
    if (followers < author.wanted) {
      console.warn(
        `  ${spec.database}: ${author.username} has ${followers} followers, asked for ${author.wanted}` +
          (followers === author.followers ? ' (as many as there are other users)' : ''),
      );
    }
  }
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

/** S7 and S8 leave nothing behind: their writes go before and after each of their runs. */
export async function resetWrites(dataset: Dataset): Promise<void> {
  await withClient(dataset.url, (client) =>
    resetWritesFor(
      client,
      dataset.demoId,
      dataset.authors.map((a) => a.id),
    ),
  );
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
