import { createHash } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import {
  QueryFailedError,
  QueryRunnerProviderAlreadyReleasedError,
  type DataSource,
  type EntityManager,
  type QueryRunner,
} from 'typeorm';
import { ROW_TYPES } from './row-types.js';

/** Where a statement runs: the pool, or a transaction's (or a query runner's) connection. */
export type Queryable = DataSource | EntityManager;

/**
 * The most distinct statement texts one process runs as named statements:
 * each is prepared on every pool connection that runs it, and PostgreSQL keeps
 * its parse tree and plan for the session's life. Texts beyond the first ones
 * (rare list shapes, usually) run unnamed, as before.
 */
export const MAX_NAMED_STATEMENTS = 256;

/** Statement text → its name, for the texts granted one. */
const names = new Map<string, string>();

/**
 * The statement's name on every connection: `agora_` and a hash of the text,
 * so a text always has the same name and two texts never share one (pg refuses
 * a name reused for another text). Undefined once MAX_NAMED_STATEMENTS texts
 * have a name.
 */
export function statementName(text: string): string | undefined {
  const known = names.get(text);
  if (known !== undefined || names.size >= MAX_NAMED_STATEMENTS) return known;
  const name = `agora_${createHash('sha256').update(text).digest('hex').slice(0, 20)}`;
  names.set(text, name);
  return name;
}

/**
 * A statement with a fixed text (values bound as `$n`) that runs as a named
 * prepared statement of `pg`: parsed, analysed (and, when PostgreSQL settles
 * on a generic plan, planned) once per pool connection instead of once per run.
 *
 * Like `DataSource.query`, it is logged (the statement counter sees it),
 * broadcast to subscribers, reported when slower than `maxQueryExecutionTime`,
 * fails with a `QueryFailedError` around pg's error, and gives its pool
 * connection back on every path. Unlike `DataSource.query`, it answers the rows
 * for every command (an UPDATE or DELETE … RETURNING included, where
 * `DataSource.query` answers `[rows, count]`).
 */
export class PreparedStatement<Row> {
  /** Undefined when the process already has MAX_NAMED_STATEMENTS names: runs unnamed. */
  readonly name: string | undefined;

  constructor(readonly text: string) {
    this.name = statementName(text);
  }

  all(on: Queryable, values: readonly unknown[]): Promise<Row[]> {
    return runPrepared<Row>(on, this.name, this.text, values);
  }

  async one(on: Queryable, values: readonly unknown[]): Promise<Row | undefined> {
    return (await this.all(on, values))[0];
  }
}

/** Data sources whose statements all run unnamed (DB_PREPARED_STATEMENTS=false). */
const unnamedOnly = new WeakSet<DataSource>();

/**
 * Makes every statement on `dataSource` run unnamed: for a pooler in
 * transaction mode (PgBouncer), where the server session that prepared a name
 * may not be the one the next transaction gets.
 */
export function runUnnamed(dataSource: DataSource): void {
  unnamedOnly.add(dataSource);
}

/** A fixed-text statement run as a named prepared statement (see PreparedStatement). */
export function prepared<Row>(text: string): PreparedStatement<Row> {
  return new PreparedStatement<Row>(text);
}

/**
 * Runs `text` as the named statement `name` (unnamed when undefined) on `on`'s
 * connection: the transaction's query runner for an EntityManager that has
 * one, else a pool connection held for this statement only.
 */
export async function runPrepared<Row>(
  on: Queryable,
  name: string | undefined,
  text: string,
  values: readonly unknown[],
): Promise<Row[]> {
  const dataSource = isDataSource(on) ? on : on.dataSource;
  if (unnamedOnly.has(dataSource)) name = undefined;
  const given = isDataSource(on) ? undefined : on.queryRunner;
  // What DataSource.query throws for a transaction whose connection is gone.
  if (given?.isReleased) throw new QueryRunnerProviderAlreadyReleasedError();
  if (!given && dataSource.subscribers.length === 0) {
    return onPoolConnection<Row>(dataSource, name, text, [...values]);
  }
  const runner = given ?? dataSource.createQueryRunner();
  try {
    return await execute<Row>(await viaRunner(runner), name, text, [...values]);
  } finally {
    // A connection that failed was already released (with its error, so the
    // pool dropped it) by the query runner's error listener: this is then a no-op.
    if (!given) await runner.release();
  }
}

/**
 * A statement outside any transaction, on a pool connection held for it alone:
 * straight from pg's pool, without a TypeORM query runner around it (a tenth
 * of a list request's CPU went to making, connecting and releasing one). The
 * connection goes back to the pool on every path, and is dropped from it when
 * it failed as a connection (it died, or its statement was cut off client
 * side) rather than as a statement.
 */
async function onPoolConnection<Row>(
  dataSource: DataSource,
  name: string | undefined,
  text: string,
  values: unknown[],
): Promise<Row[]> {
  const driver = dataSource.driver as unknown as {
    obtainMasterConnection(): Promise<[PgClient & EventEmitter, (error?: unknown) => void]>;
  };
  const [client, release] = await driver.obtainMasterConnection();
  let broken: unknown;
  // Held, a client has no pool listener: an error event without one would be thrown.
  const onError = (error: unknown) => (broken = error);
  client.on('error', onError);
  try {
    return await execute<Row>(
      {
        dataSource,
        client,
        inTransaction: false,
        deallocate: async (statement) => {
          dataSource.logger.logQuery(`DEALLOCATE ${statement}`);
          await client.query({ text: `DEALLOCATE ${statement}`, values: [] });
        },
      },
      name,
      text,
      values,
    );
  } catch (error) {
    if (brokeConnection((error as QueryFailedError).driverError ?? error)) broken ??= error;
    throw error;
  } finally {
    client.removeListener('error', onError);
    release(broken);
  }
}

/**
 * Whether a failure leaves the connection unusable: no SQLSTATE (the socket
 * closed, or pg's query_timeout gave up on the server), a connection exception
 * (class 08), or the server ending the session (57P01–57P03, severity FATAL).
 */
function brokeConnection(error: unknown): boolean {
  const { code, severity } = error as { code?: unknown; severity?: unknown };
  return (
    typeof code !== 'string' ||
    code.startsWith('08') ||
    code.startsWith('57P') ||
    severity === 'FATAL' ||
    severity === 'PANIC'
  );
}

function isDataSource(on: Queryable): on is DataSource {
  return 'createQueryRunner' in on;
}

/** What this module uses of pg's client: the config-object query, and its statement bookkeeping. */
interface PgClient {
  query(config: {
    name?: string;
    text: string;
    values: unknown[];
    types?: typeof ROW_TYPES;
  }): Promise<{ rows: unknown[] }>;
  connection?: {
    parsedStatements?: Record<string, string>;
    submittedNamedStatements?: Record<string, string>;
  };
}

/**
 * Names the server still holds for a client but that must be prepared again
 * (their result type changed under them): deallocated before their next use
 * outside a transaction.
 */
const stale = new WeakMap<PgClient, Set<string>>();

/** The connection a statement runs on: a query runner's, or one held from the pool. */
interface Connection {
  dataSource: DataSource;
  client: PgClient;
  inTransaction: boolean;
  /** Drops a prepared statement, logged and counted like any statement. */
  deallocate(name: string): Promise<void>;
  /** Set when subscribers must hear of the statement (a query runner's). */
  runner?: QueryRunner;
}

/** A query runner's connection (a transaction's, or one made for this statement). */
async function viaRunner(runner: QueryRunner): Promise<Connection> {
  return {
    dataSource: runner.connection,
    // PostgresQueryRunner.connect() answers pg's client.
    client: (await runner.connect()) as PgClient,
    get inTransaction() {
      return runner.isTransactionActive;
    },
    deallocate: async (name) => {
      await runner.query(`DEALLOCATE ${name}`);
    },
    runner,
  };
}

/** PostgresQueryRunner.query's contract, with a named statement. */
async function execute<Row>(
  connection: Connection,
  name: string | undefined,
  text: string,
  values: unknown[],
): Promise<Row[]> {
  const { dataSource, runner, client } = connection;
  const broadcast = runner !== undefined && dataSource.subscribers.length > 0;
  if (broadcast) await runner.broadcaster.broadcast('BeforeQuery', text, values);
  const start = Date.now();
  try {
    let rows: unknown[];
    try {
      rows = await send(connection, name, text, values);
    } catch (error) {
      // Once per run at most: a statement the server no longer runs as prepared
      // is prepared again, when outside a transaction (inside one, the error
      // has aborted it: the next use prepares it again instead).
      if (!name || !forgetIfInvalid(client, name, error) || connection.inTransaction) throw error;
      rows = await send(connection, name, text, values);
    }
    const time = Date.now() - start;
    if (broadcast)
      await runner.broadcaster.broadcast('AfterQuery', text, values, true, time, rows, undefined);
    const slow = dataSource.options.maxQueryExecutionTime;
    if (slow && time > slow) dataSource.logger.logQuerySlow(time, text, values, runner);
    return rows as Row[];
  } catch (error) {
    dataSource.logger.logQueryError(error as Error, text, values, runner);
    if (broadcast)
      await runner.broadcaster.broadcast(
        'AfterQuery',
        text,
        values,
        false,
        undefined,
        undefined,
        error,
      );
    throw new QueryFailedError(text, values, error as Error);
  }
}

async function send(
  connection: Connection,
  name: string | undefined,
  text: string,
  values: unknown[],
): Promise<unknown[]> {
  const { client } = connection;
  const names = stale.get(client);
  if (name && names?.has(name)) {
    if (connection.inTransaction) {
      // DEALLOCATE could fail and abort the transaction: unnamed until then.
      name = undefined;
    } else {
      names.delete(name);
      await connection.deallocate(name).catch(() => undefined);
    }
  }
  // Logged (and so counted) per statement sent, as PostgresQueryRunner.query does.
  connection.dataSource.logger.logQuery(text, values, connection.runner);
  const types = ROW_TYPES;
  return (await client.query(name ? { name, text, values, types } : { text, values, types })).rows;
}

/**
 * Whether `error` says the server cannot run the prepared statement `name`
 * any more; if so, pg is made to prepare it again on its next use.
 *
 * - 0A000 "cached plan must not change result type": a migration changed the
 *   type of a column it returns. The server keeps the statement, failing
 *   every run: it must be deallocated first.
 * - 26000 "prepared statement … does not exist": the session lost it.
 */
function forgetIfInvalid(client: PgClient, name: string, error: unknown): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  const changed = code === '0A000' && String(message).includes('must not change result type');
  const lost = code === '26000' && String(message).includes(`"${name}"`);
  if (!changed && !lost) return false;
  delete client.connection?.parsedStatements?.[name];
  delete client.connection?.submittedNamedStatements?.[name];
  if (changed) {
    const names = stale.get(client) ?? new Set<string>();
    names.add(name);
    stale.set(client, names);
  }
  return true;
}
