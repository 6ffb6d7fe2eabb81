import type { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource, type DataSourceOptions, type Logger as TypeOrmLogger } from 'typeorm';
import type { DatabaseConfig } from '../config/database.config.js';
import { plannerOptions } from './planner-settings.js';
import { Comment } from '../comments/comment.entity.js';
import { Follow } from '../follows/follow.entity.js';
import { Post } from '../posts/post.entity.js';
import { Profile } from '../profiles/profile.entity.js';
import { PostTag } from '../tags/post-tag.entity.js';
import { Tag } from '../tags/tag.entity.js';
import { User } from '../users/user.entity.js';
import { Vote } from '../votes/vote.entity.js';
import { PostCounter } from '../posts/post-counter.entity.js';
import { UserCounter } from '../users/user-counter.entity.js';
import { Counter } from './counter.entity.js';
import { migrations } from './migrations/index.js';

export const entities = [
  User,
  Profile,
  Post,
  Tag,
  PostTag,
  Vote,
  Follow,
  Comment,
  Counter,
  PostCounter,
  UserCounter,
];

/** The one data-source definition: the app, `ormconfig.ts` (TypeORM CLI) and the tests use it. */
export function dataSourceOptions(
  db: DatabaseConfig,
  url: string,
  logger?: TypeOrmLogger,
): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities,
    migrations,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    logging: logger ? ['query', 'error'] : false,
    logger,
    poolSize: db.poolSize,
    connectTimeoutMS: db.connectTimeoutMs,
    applicationName: 'agora',
    extra: {
      // Server side: no statement runs longer than this.
      statement_timeout: db.statementTimeoutMs,
      idle_in_transaction_session_timeout: db.statementTimeoutMs * 2,
      // Client side: a hung server (no answer at all) cannot hold a request forever.
      query_timeout: db.statementTimeoutMs + 1000,
      keepAlive: true,
      options: plannerOptions(),
      // pg-pool's hook for each new connection. A connection's error event
      // without a listener is thrown (the process dies): the pool listens
      // only while a connection is idle, and whoever holds one listens only
      // from the moment it gets it. When a server shuts down as a connection
      // is handed out (a replica stopped under load did it), its FATAL message
      // can come in between. The statement on it fails on its own anyway.
      onConnect: (client: EventEmitter) => {
        client.on('error', () => undefined);
      },
    },
  };
}

/** The URL of the embedded server for these settings (used when DATABASE_URL is not set). */
export function embeddedDatabaseUrl(db: DatabaseConfig): string {
  return `postgres://postgres:postgres@127.0.0.1:${db.embedded.port}/agora`;
}

const MIGRATION_LOCK = 7_314_159;
/** How often an instance waiting for another's migrations asks for the lock again. */
const MIGRATION_LOCK_POLL_MS = 200;

/**
 * Runs pending migrations under an advisory lock, so several instances (or test
 * workers) starting at once apply them exactly once.
 *
 * The lock is polled (`pg_try_advisory_lock`), not awaited in one statement:
 * an instance waiting while another migrates would otherwise wait inside one
 * statement, which the statement timeout (DB_STATEMENT_TIMEOUT_MS) cancels,
 * failing its boot (20 instances starting together on a fresh database did).
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    for (;;) {
      const [{ locked }] = (await lock.query('SELECT pg_try_advisory_lock($1) AS locked', [
        MIGRATION_LOCK,
      ])) as { locked: boolean }[];
      if (locked) break;
      await sleep(MIGRATION_LOCK_POLL_MS);
    }
    const applied = await dataSource.runMigrations({ transaction: 'all' });
    return applied.map((m) => m.name);
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await lock.release();
  }
}
