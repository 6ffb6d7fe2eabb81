import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { PasswordHasher } from '../../src/users/password-hasher.js';
import { Dataset, type SeedSizes, type TableData } from './dataset.js';

export interface SeedOptions extends SeedSizes {
  /** Empty the tables first; without it, a database that has users is refused. */
  reset: boolean;
  /** Every seeded user's password. */
  password: string;
}

export const DEFAULT_PASSWORD = 'agora-demo-password';

export const DEFAULT_OPTIONS: SeedOptions = {
  users: 200,
  posts: 2000,
  votes: 20_000,
  tags: 200,
  tagLinks: 6000,
  follows: 4000,
  comments: 4000,
  demoFollows: 100,
  seed: 42,
  reset: false,
  password: DEFAULT_PASSWORD,
};

/** What the seed wrote, for the summary. */
export interface SeedResult {
  tables: { table: string; rows: number; seconds: number }[];
  steps: { step: string; seconds: number }[];
  seconds: number;
  demoFollows: number;
}

/** Progress callbacks: the CLI draws bars or lines, tests pass nothing. */
export interface SeedReporter {
  tableStarted?(table: string, rows: number): void;
  rowsWritten?(table: string, rows: number): void;
  tableDone?(table: string, rows: number, seconds: number): void;
  stepDone?(step: string, seconds: number): void;
}

/** The database already has data and `reset` was not asked for. */
export class SeedRefusedError extends Error {}

/** Every table the seed fills, as the TRUNCATE of --reset names them. */
const SEEDED_TABLES = [
  'users',
  'tags',
  'posts',
  'votes',
  'post_tags',
  'follows',
  'comments',
  'profiles',
];
/**
 * The tables whose counter triggers are off during the load: agora_recount()
 * then makes the counter rows (post_counters, user_counters) and sets the
 * counts. post_tags rows carry their post's `published` and `created_at` from the dataset.
 */
const COUNTED_TABLES = ['users', 'posts', 'votes', 'post_tags', 'comments', 'follows'];
/**
 * Triggers that stay on during the load: they set a column of the row itself
 * (a post's slug, from its title and id) and touch no other row.
 */
const ROW_TRIGGERS: Record<string, string[]> = { posts: ['tr_posts_slug_set'] };
const COPY_CHUNK_CHARS = 1 << 17;

/**
 * Fills the database with deterministic demo data. The schema must be migrated
 * (see prepareDatabase). Everything happens in one transaction, so a failed or
 * interrupted seed leaves the database as it was: the TRUNCATE, the disabled
 * triggers and the dropped indexes and foreign keys all roll back with it.
 *
 * Ids: the TRUNCATE restarts the identity sequences, so COPY (which cannot
 * override GENERATED ALWAYS) numbers each table's rows 1..n in the order they
 * are sent, the sequences end past them, and later tables can refer to them;
 * checkRows verifies it. COPY into a staging table plus INSERT … OVERRIDING
 * SYSTEM VALUE writes every row twice: measured 1.4-1.8x slower for posts and
 * comments.
 */
export async function seed(
  options: SeedOptions,
  target: pg.Client | string,
  reporter: SeedReporter = {},
): Promise<SeedResult> {
  const started = performance.now();
  const dataset = new Dataset(options);
  // Hashed once (argon2id, the app's own parameters) and shared by every row.
  const passwordHash = await new PasswordHasher().hash(options.password);
  const client = typeof target === 'string' ? new pg.Client({ connectionString: target }) : target;
  if (typeof target === 'string') {
    // A lost connection also fails the query in flight, which reports it; unheard, the event would crash.
    client.on('error', () => undefined);
    await client.connect();
  }
  const result: SeedResult = {
    tables: [],
    steps: [],
    seconds: 0,
    demoFollows: dataset.demoFollows,
  };
  const step = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const value = await fn();
    const seconds = (performance.now() - t0) / 1000;
    result.steps.push({ step: name, seconds });
    reporter.stepDone?.(name, seconds);
    return value;
  };

  try {
    // A big load is not a statement the app's timeouts were meant for.
    await client.query('SET statement_timeout = 0');
    await client.query('SET idle_in_transaction_session_timeout = 0');
    await client.query('BEGIN');
    let committed = false;
    try {
      await client.query(`LOCK TABLE ${SEEDED_TABLES.join(', ')} IN ACCESS EXCLUSIVE MODE`);
      await refuseUnlessEmpty(client, options.reset);
      // Also when empty: restarts the identities (ids come out 1..n) and lets COPY FREEZE.
      await client.query(`TRUNCATE ${SEEDED_TABLES.join(', ')} RESTART IDENTITY CASCADE`);
      await client.query(`SET LOCAL maintenance_work_mem = '256MB'`);
      for (const table of COUNTED_TABLES) {
        await client.query(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
        for (const trigger of ROW_TRIGGERS[table] ?? []) {
          await client.query(`ALTER TABLE ${table} ENABLE TRIGGER ${trigger}`);
        }
      }
      const deferred = await deferSchema(client);

      for (const data of dataset.tables(passwordHash)) {
        const t0 = performance.now();
        reporter.tableStarted?.(data.table, data.rows);
        const rows = await copyTable(client, data, (n) => reporter.rowsWritten?.(data.table, n));
        await checkRows(client, data, rows);
        const seconds = (performance.now() - t0) / 1000;
        result.tables.push({ table: data.table, rows, seconds });
        reporter.tableDone?.(data.table, rows, seconds);
      }

      // btree indexes first: agora_recount() looks rows up through them. The
      // trigram (GIN) indexes after it, though they then also index the old row
      // versions its UPDATE of every post leaves: measured on 100k posts, built
      // first they cost 11 s and made the recount 27 s; built after, 22-30 s
      // and the recount 6-7 s.
      const btree = deferred.indexes.filter((i) => i.method === 'btree').map((i) => i.definition);
      const search = deferred.indexes.filter((i) => i.method !== 'btree').map((i) => i.definition);
      await step('indexes', () => run(client, btree));
      await step('foreign keys', () => run(client, deferred.foreignKeys.map(addConstraint)));
      await step('counters', async () => {
        for (const table of COUNTED_TABLES) {
          await client.query(`ALTER TABLE ${table} ENABLE TRIGGER USER`);
        }
        await client.query('SELECT agora_recount()');
      });
      await step('search indexes', () => run(client, search));
      await step('commit', () => client.query('COMMIT'));
      committed = true;
    } finally {
      // Rolling back is what re-enables the triggers (and restores the indexes and keys):
      // the ALTERs belong to the transaction.
      if (!committed) await client.query('ROLLBACK').catch(() => undefined);
    }
    // Fresh statistics and visibility map: right plans and index-only scans from the start.
    await step('vacuum', () =>
      client.query(
        `VACUUM (ANALYZE) ${[...SEEDED_TABLES, 'counters', 'post_counters', 'user_counters'].join(', ')}`,
      ),
    );
  } finally {
    if (typeof target === 'string') await client.end();
  }
  result.seconds = (performance.now() - started) / 1000;
  return result;
}

async function refuseUnlessEmpty(client: pg.Client, reset: boolean): Promise<void> {
  // Posts, votes and the rest hang off users; tags are the only other root.
  const { rows } = await client.query<{ users: boolean; tags: boolean }>(
    'SELECT EXISTS (SELECT 1 FROM users) AS users, EXISTS (SELECT 1 FROM tags) AS tags',
  );
  const { users, tags } = rows[0];
  if ((users || tags) && !reset) {
    throw new SeedRefusedError(
      `The database already has ${users ? 'users' : 'tags'}: seeding would mix demo data into it. ` +
        'Run again with --reset to delete ALL users, posts, votes, tags, follows, comments and profiles first.',
    );
  }
}

interface DeferredSchema {
  indexes: { name: string; method: string; definition: string }[];
  foreignKeys: { table: string; name: string; definition: string }[];
}

/**
 * Takes off what makes a bulk load slow row by row: the seeded tables' foreign
 * keys (a lookup per row; re-adding one validates the whole table in a single
 * join) and their plain secondary indexes (not primary keys, not unique ones,
 * nothing a constraint owns; built once at the end instead of updated per row).
 * Their definitions come from the catalog, so they come back exactly as the
 * migrations made them, and within the same transaction.
 */
async function deferSchema(client: pg.Client): Promise<DeferredSchema> {
  const tables = [SEEDED_TABLES]; // $1
  const { rows: indexes } = await client.query<DeferredSchema['indexes'][number]>(
    `SELECT format('%I.%I', n.nspname, c.relname) AS name, am.amname AS method,
            pg_get_indexdef(i.indexrelid) AS definition
       FROM pg_index i
       JOIN pg_class c ON c.oid = i.indexrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_am am ON am.oid = c.relam
      WHERE i.indrelid = ANY ($1::text[]::regclass[])
        AND NOT i.indisunique AND NOT i.indisprimary
        AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
      ORDER BY i.indrelid, c.relname`,
    tables,
  );
  const { rows: foreignKeys } = await client.query<DeferredSchema['foreignKeys'][number]>(
    `SELECT k.conrelid::regclass::text AS table, quote_ident(k.conname) AS name,
            pg_get_constraintdef(k.oid) AS definition
       FROM pg_constraint k
      WHERE k.contype = 'f' AND k.conrelid = ANY ($1::text[]::regclass[])
      ORDER BY k.conrelid, k.conname`,
    tables,
  );
  for (const fk of foreignKeys) {
    await client.query(`ALTER TABLE ${fk.table} DROP CONSTRAINT ${fk.name}`);
  }
  for (const index of indexes) await client.query(`DROP INDEX ${index.name}`);
  return { indexes, foreignKeys };
}

function addConstraint(fk: DeferredSchema['foreignKeys'][number]): string {
  return `ALTER TABLE ${fk.table} ADD CONSTRAINT ${fk.name} ${fk.definition}`;
}

async function run(client: pg.Client, statements: string[]): Promise<void> {
  for (const sql of statements) await client.query(sql);
}

/**
 * Streams one table through COPY in chunks. FREEZE: the table was truncated in
 * this transaction, so rows go in already frozen and VACUUM has little to do.
 */
async function copyTable(
  client: pg.Client,
  data: TableData,
  progress: (rows: number) => void,
): Promise<number> {
  let rows = 0;
  function* chunks(): Generator<string> {
    let chunk = '';
    for (const line of data.lines()) {
      chunk += line;
      rows += 1;
      if (chunk.length >= COPY_CHUNK_CHARS) {
        progress(rows);
        yield chunk;
        chunk = '';
      }
    }
    progress(rows);
    if (chunk) yield chunk;
  }
  const sql = `COPY ${data.table} (${data.columns.join(', ')}) FROM STDIN WITH (FREEZE)`;
  await pipeline(Readable.from(chunks()), client.query(copyStreams.from(sql)));
  return rows;
}

/** The row count asked for, and for identity tables ids exactly 1..n (later tables rely on them). */
async function checkRows(client: pg.Client, data: TableData, written: number): Promise<void> {
  if (written !== data.rows) {
    throw new Error(`${data.table}: generated ${written} rows instead of ${data.rows}`);
  }
  if (!data.identity) return;
  const { rows } = await client.query<{ n: number; max: number | null }>(
    `SELECT count(*)::int AS n, max(id) AS max FROM ${data.table}`,
  );
  if (rows[0].n !== data.rows || (rows[0].max ?? 0) !== data.rows) {
    throw new Error(
      `${data.table}: expected ids 1..${data.rows}, found ${rows[0].n} rows up to id ${rows[0].max}`,
    );
  }
}
