import { registerAs } from '@nestjs/config';
import { resolve } from 'node:path';
import { validateEnv, type EnvironmentVariables } from './env.validation.js';

export function databaseSettings(env: EnvironmentVariables) {
  return {
    /** An external server; when absent, Agora starts embedded PostgreSQL. */
    url: env.DATABASE_URL,
    embedded: { port: env.EMBEDDED_DB_PORT, dataDir: resolve(env.EMBEDDED_DB_DIR) },
    poolSize: env.DB_POOL_SIZE,
    connectTimeoutMs: env.DB_CONNECT_TIMEOUT_MS,
    statementTimeoutMs: env.DB_STATEMENT_TIMEOUT_MS,
    /** false: the hot statements run unnamed (for a pooler in transaction mode). */
    preparedStatements: env.DB_PREPARED_STATEMENTS === 'true',
    /** Streaming replicas for lag-tolerant reads (none: every statement on the primary). */
    replicaUrls: env.DATABASE_REPLICA_URLS.split(',')
      .map((url) => url.trim())
      .filter((url) => url !== ''),
    replicaMaxLagMs: env.REPLICA_MAX_LAG_MS,
  };
}

export type DatabaseConfig = ReturnType<typeof databaseSettings>;

export const databaseConfig = registerAs('database', () =>
  databaseSettings(validateEnv(process.env)),
);
