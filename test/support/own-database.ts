import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * For suites that need a database of their own on the run's server (global
 * totals, a seed that empties every table): a fresh name, its URL, and
 * statements on the server's maintenance database to create and drop it.
 */
export interface OwnDatabase {
  name: string;
  /** DATABASE_URL with this database's name (read when asked: the global setup sets it). */
  readonly url: string;
  /** Runs one statement on the server's `postgres` database (CREATE/DROP DATABASE). */
  admin: (sql: string) => Promise<void>;
  /** Drops the database, closing whatever is still connected to it. */
  drop: () => Promise<void>;
}

export function ownDatabase(prefix: string): OwnDatabase {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const at = (database: string) => {
    const url = new URL(process.env.DATABASE_URL ?? '');
    url.pathname = `/${database}`;
    return url.toString();
  };
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: at('postgres') });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  return {
    name,
    get url() {
      return at(name);
    },
    admin,
    drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}
