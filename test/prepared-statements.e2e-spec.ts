import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { QueryFailedError, type DataSource } from 'typeorm';
import { databaseProblem } from '../src/common/problems/database-errors.js';
import { CompiledQuery } from '../src/database/compiled-query.js';
import { MAX_NAMED_STATEMENTS, prepared } from '../src/database/prepared.js';
import {
  createPostAs,
  expectProblem,
  marker,
  registerUser,
  type RegisteredUser,
} from './support/api.js';
import { createTestApp, type TestApp } from './support/app.js';
import { ownDatabase } from './support/own-database.js';

/**
 * The statements compiled once (CompiledQuery: a single post, list pages, the
 * token-version lookup) run as named prepared statements of pg: PostgreSQL
 * parses them once per pool connection. They stay counted, logged and mapped
 * to problems like any statement, and give their connection back on every path.
 */

interface PreparedRow {
  name: string;
  statement: string;
  runs: number;
}

/** pg's pool behind a data source (TypeORM's PostgresDriver keeps it as `master`). */
function poolOf(db: DataSource): pg.Pool {
  return (db.driver as unknown as { master: pg.Pool }).master;
}

/**
 * The prepared statements of every connection of the app's pool:
 * pg_prepared_statements shows a session's own only, so it is read on each
 * connection, all held at once (the pool's size of them).
 */
async function preparedOnPool(db: DataSource): Promise<PreparedRow[][]> {
  const size = (db.options as { poolSize?: number }).poolSize ?? 10;
  const runners = Array.from({ length: size }, () => db.createQueryRunner());
  try {
    await Promise.all(runners.map((r) => r.connect()));
    return await Promise.all(
      runners.map(
        (r) =>
          r.query(
            `SELECT name, statement, (generic_plans + custom_plans)::int AS runs
               FROM pg_prepared_statements WHERE NOT from_sql`,
          ) as Promise<PreparedRow[]>,
      ),
    );
  } finally {
    await Promise.all(runners.map((r) => r.release()));
  }
}

function expectNoLeakedClient(db: DataSource): void {
  const pool = poolOf(db);
  expect(pool.waitingCount).toBe(0);
  expect(pool.idleCount).toBe(pool.totalCount);
}

describe('named prepared statements', () => {
  let t: TestApp;
  let author: RegisteredUser;
  let postId: number;

  beforeAll(async () => {
    t = await createTestApp();
    author = await registerUser(t);
    postId = (await createPostAs(t, author, { title: `${marker()} prepared` })).id;
  });

  afterAll(async () => {
    await t.close();
  });

  it('runs the hot statements as named statements, each prepared at most once per connection', async () => {
    const read = () => t.http().get(`/api/posts/${postId}`).expect(200);
    // Counted like before: one statement for an anonymous single-post read.
    const [text] = await t.captureQueries(read);
    expect(await t.countQueries(read)).toBe(1);
    for (let i = 0; i < 18; i += 1) await read();

    const sessions = await preparedOnPool(t.db);
    const rows = sessions.flat().filter((r) => r.statement === text);
    // One name, on at most every connection, and every run of the 20 was one
    // of its executions: none was sent as an unnamed statement.
    expect(rows.length).toBeGreaterThanOrEqual(1);
    expect(new Set(rows.map((r) => r.name))).toEqual(new Set([rows[0].name]));
    expect(rows[0].name).toMatch(/^agora_[0-9a-f]{20}$/);
    expect(sessions.every((s) => s.filter((r) => r.statement === text).length <= 1)).toBe(true);
    expect(rows.reduce((sum, r) => sum + r.runs, 0)).toBe(20);
    expectNoLeakedClient(t.db);
  });

  it('serves a list page, a signed-in read and its token check from named statements', async () => {
    const captured = await t.captureQueries(async () => {
      await t.http().get('/api/posts?limit=5').expect(200);
      await t.http().get(`/api/posts/${postId}`).set(author.auth).expect(200);
    });
    const statements = new Set((await preparedOnPool(t.db)).flat().map((r) => r.statement));
    const page = captured.find((sql) => sql.includes('LIMIT 6'));
    const tokenVersion = captured.find((sql) => sql.includes('token_version'));
    const signedInRead = captured.find((sql) => sql.includes('vv.user_id = $'));
    for (const sql of [page, tokenVersion, signedInRead]) {
      expect(sql).toBeDefined();
      expect(statements.has(sql ?? '')).toBe(true);
    }
  });

  it('plans a list page once per connection: PostgreSQL settles on its generic plan', async () => {
    const list = () => t.http().get('/api/posts?limit=4').expect(200);
    const [page] = (await t.captureQueries(list)).filter((sql) => sql.includes('LIMIT 5'));
    expect(page).toBeDefined();
    for (let i = 0; i < 15; i += 1) await list();
    const size = (t.db.options as { poolSize?: number }).poolSize ?? 10;
    const runners = Array.from({ length: size }, () => t.db.createQueryRunner());
    let plans: { generic: number; custom: number }[];
    try {
      await Promise.all(runners.map((r) => r.connect()));
      plans = (
        await Promise.all(
          runners.map(
            (r) =>
              r.query(
                `SELECT generic_plans::int AS generic, custom_plans::int AS custom
                   FROM pg_prepared_statements WHERE statement = $1`,
                [page],
              ) as Promise<{ generic: number; custom: number }[]>,
          ),
        )
      ).flat();
    } finally {
      await Promise.all(runners.map((r) => r.release()));
    }
    // PostgreSQL plans a prepared statement for its values five times, then
    // keeps a generic plan when it costs no more. With `LIMIT $n` it never
    // did: every run was planned anew.
    expect(plans.reduce((sum, p) => sum + p.generic + p.custom, 0)).toBe(16);
    expect(plans.every((p) => p.custom <= 5)).toBe(true);
    expect(plans.reduce((sum, p) => sum + p.generic, 0)).toBeGreaterThanOrEqual(
      16 - 5 * plans.length,
    );
    expect(plans.reduce((sum, p) => sum + p.generic, 0)).toBeGreaterThan(0);
  });

  it('fails as a QueryFailedError mapped to the same problem as an unnamed statement', async () => {
    const divide = 'SELECT 1 / $1::int AS x';
    const failure = await prepared(divide)
      .one(t.db, [0])
      .catch((error: unknown) => error);
    const unnamed = await t.db.query(divide, [0]).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(QueryFailedError);
    expect((failure as QueryFailedError).driverError).toMatchObject({ code: '22012' });
    expect((failure as QueryFailedError).query).toBe(divide);
    expect(databaseProblem(failure)).toEqual(databaseProblem(unnamed));
    expect(databaseProblem(failure)?.status).toBe(400);
    // The statement itself still works on that connection afterwards.
    expect(await prepared<{ x: number }>(divide).one(t.db, [1])).toEqual({ x: 1 });
    expectNoLeakedClient(t.db);
  });

  it('answers the rows in the shape of DataSource.query, with the same type parsers', async () => {
    const sql = `SELECT $1::int AS i, $2::bigint AS big, now()::timestamptz AS at,
                        ARRAY['b', 'a']::varchar[] AS names, '{"k": 1}'::jsonb AS doc, NULL::text AS none`;
    const values = [7, '9007199254740993'];
    const named = await prepared<Record<string, unknown>>(sql).all(t.db, values);
    const unnamed: Record<string, unknown>[] = await t.db.query(sql, values);
    expect(named).toHaveLength(1);
    expect({ ...named[0], at: null }).toEqual({ ...unnamed[0], at: null });
    expect(named[0].at).toBeInstanceOf(Date);
  });

  describe('when a migration changes a column it returns', () => {
    const table = `prepared_${marker()}`;
    const compiled = () =>
      new CompiledQuery<{ v: unknown }, { id: number }>(
        t.db
          .createQueryBuilder()
          .select('x.v', 'v')
          .from(table, 'x')
          .where('x.id = :id', { id: 0 }),
      );

    beforeAll(async () => {
      await t.db.query(`CREATE TABLE ${table} (id int PRIMARY KEY, v int NOT NULL)`);
      await t.db.query(`INSERT INTO ${table} VALUES (1, 42)`);
    });

    afterAll(async () => {
      await t.db.query(`DROP TABLE IF EXISTS ${table}`);
    });

    it('prepares the statement again outside a transaction, and fails once inside one', async () => {
      const statement = compiled();
      const runner = t.db.createQueryRunner();
      try {
        expect(await statement.one(runner.manager, { id: 1 })).toEqual({ v: 42 });
        await t.db.query(`ALTER TABLE ${table} ALTER COLUMN v TYPE text`);
        // PostgreSQL would answer "cached plan must not change result type":
        // the statement is deallocated and prepared again, and counted.
        const captured = await t.captureQueries(async () => {
          expect(await statement.one(runner.manager, { id: 1 })).toEqual({ v: '42' });
        });
        expect(captured).toEqual([statement.text, `DEALLOCATE ${statement.name}`, statement.text]);
        expect(await statement.one(runner.manager, { id: 1 })).toEqual({ v: '42' });

        await t.db.query(`ALTER TABLE ${table} ALTER COLUMN v TYPE bigint USING v::bigint`);
        await runner.startTransaction();
        const failure = await statement
          .one(runner.manager, { id: 1 })
          .catch((error: unknown) => error);
        await runner.rollbackTransaction();
        expect(failure).toBeInstanceOf(QueryFailedError);
        expect((failure as QueryFailedError).driverError).toMatchObject({ code: '0A000' });
        // The next transaction runs it unnamed, the next statement outside one prepares it again.
        await runner.startTransaction();
        expect(await statement.one(runner.manager, { id: 1 })).toEqual({ v: '42' });
        await runner.commitTransaction();
        expect(await statement.one(runner.manager, { id: 1 })).toEqual({ v: '42' });
        const names: { name: string }[] = await runner.query(
          'SELECT name FROM pg_prepared_statements WHERE statement = $1',
          [statement.text],
        );
        expect(names).toEqual([{ name: statement.name }]);
      } finally {
        await runner.release();
      }
    });

    it('heals every pool connection', async () => {
      await t.db.query(`ALTER TABLE ${table} ALTER COLUMN v TYPE int USING v::int`);
      const statement = compiled();
      const many = () =>
        Promise.all(Array.from({ length: 12 }, () => statement.one(t.db, { id: 1 })));
      expect(await many()).toEqual(Array.from({ length: 12 }, () => ({ v: 42 })));
      await t.db.query(`ALTER TABLE ${table} ALTER COLUMN v TYPE text`);
      expect(await many()).toEqual(Array.from({ length: 12 }, () => ({ v: '42' })));
      expectNoLeakedClient(t.db);
    });
  });

  it(`runs texts beyond the first ${MAX_NAMED_STATEMENTS} unnamed`, async () => {
    const statements = Array.from({ length: MAX_NAMED_STATEMENTS + 1 }, (_, i) =>
      prepared<{ n: number }>(`SELECT $1::int + ${i} AS n /* cap */`),
    );
    const last = statements[statements.length - 1];
    expect(last.name).toBeUndefined();
    expect(await last.one(t.db, [1])).toEqual({ n: 1 + MAX_NAMED_STATEMENTS });
  });
});

/**
 * DB_PREPARED_STATEMENTS=false, for a pooler in transaction mode (PgBouncer):
 * a named statement lives in the server session that prepared it, which the
 * next transaction may not get. The same hot statements then run unnamed:
 * PostgreSQL holds none of them in any session.
 */
describe('DB_PREPARED_STATEMENTS=false', () => {
  let t: TestApp;
  let author: RegisteredUser;
  let postId: number;

  beforeAll(async () => {
    t = await createTestApp({ env: { DB_PREPARED_STATEMENTS: 'false' } });
    author = await registerUser(t);
    postId = (await createPostAs(t, author, { title: `${marker()} unnamed` })).id;
  });

  afterAll(async () => {
    await t.close();
  });

  it('runs the hot statements unnamed: no session holds a prepared statement', async () => {
    const captured = await t.captureQueries(async () => {
      for (let i = 0; i < 10; i += 1) {
        await t.http().get(`/api/posts/${postId}`).expect(200);
        await t.http().get('/api/posts?limit=5').expect(200);
        await t.http().get(`/api/posts/${postId}`).set(author.auth).expect(200);
      }
    });
    // The same statements as with names (one per read, two with the token check)...
    expect(captured).toHaveLength(40);
    expect(captured.some((sql) => sql.includes('token_version'))).toBe(true);
    // ...and not one of them prepared on any connection of the pool.
    expect((await preparedOnPool(t.db)).flat()).toEqual([]);
    expectNoLeakedClient(t.db);
  });

  it('leaves the setting to each data source: an app with names on still names them', async () => {
    const named = await createTestApp();
    try {
      const read = () => named.http().get(`/api/posts/${postId}`).expect(200);
      const [text] = await named.captureQueries(read);
      const statements = (await preparedOnPool(named.db)).flat().map((r) => r.statement);
      expect(statements).toContain(text);
    } finally {
      await named.close();
    }
  });
});

/**
 * A named statement that cannot finish: the statement timeout and a killed
 * connection answer the 503 problem they answered as unnamed statements, and
 * the pool keeps no client. On a database of its own, whose posts table this
 * test locks.
 */
describe('named prepared statements when the database fails them', () => {
  const own = ownDatabase('agora_prepared');
  let t: TestApp | undefined;
  let postId: number;
  let locker: pg.Client | undefined;

  function app(): TestApp {
    if (!t) throw new Error('the app did not start');
    return t;
  }

  beforeAll(async () => {
    await own.admin(`CREATE DATABASE "${own.name}"`);
    t = await createTestApp({
      env: { DATABASE_URL: own.url, DB_STATEMENT_TIMEOUT_MS: '1000' },
    });
    const author = await registerUser(t);
    postId = (await createPostAs(t, author)).id;
    // Prepared on the connection(s) of the pool first.
    await t.http().get(`/api/posts/${postId}`).expect(200);
    locker = new pg.Client({ connectionString: own.url });
    await locker.connect();
  });

  afterAll(async () => {
    await locker?.end();
    await t?.close();
    await own.drop();
  });

  /** Runs fn while another session holds posts in ACCESS EXCLUSIVE mode. */
  async function whileLocked<T>(fn: (lock: pg.Client) => Promise<T>): Promise<T> {
    const lock = locker as pg.Client;
    await lock.query('BEGIN');
    await lock.query('LOCK TABLE posts IN ACCESS EXCLUSIVE MODE');
    try {
      return await fn(lock);
    } finally {
      await lock.query('ROLLBACK');
    }
  }

  it('answers 503 with Retry-After when the statement times out', async () => {
    const res = await whileLocked(() => app().http().get(`/api/posts/${postId}`));
    expectProblem(res, 503);
    expect(res.headers['retry-after']).toBe('5');
    await app().http().get(`/api/posts/${postId}`).expect(200);
    expectNoLeakedClient(app().db);
  });

  it('keeps a connection whose statement failed, and drops one that a statement found dead', async () => {
    const pid = prepared<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const before = (await pid.one(app().db, []))?.pid;
    // A statement error: the session is fine, and the pool (last in, first out) hands it out again.
    await expect(prepared('SELECT 1 / $1::int AS x').one(app().db, [0])).rejects.toBeInstanceOf(
      QueryFailedError,
    );
    expect((await pid.one(app().db, []))?.pid).toBe(before);
    // The session ended by the server while idle in the pool: the next statement
    // on it fails, and the pool drops it instead of handing it out again.
    await (locker as pg.Client).query('SELECT pg_terminate_backend($1, 5000)', [before]);
    const pool = poolOf(app().db);
    const total = pool.totalCount;
    const next = await pid.one(app().db, []).catch((error: unknown) => error);
    if (next instanceof QueryFailedError) {
      expect(databaseProblem(next)?.status).toBe(503);
      expect(pool.totalCount).toBe(total - 1);
    }
    const after = (await pid.one(app().db, []))?.pid;
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    expectNoLeakedClient(app().db);
  });

  it('answers 503 when its connection is killed mid-statement, and the pool drops that connection', async () => {
    const res = await whileLocked(async (lock) => {
      const request = app()
        .http()
        .get(`/api/posts/${postId}`)
        .then((r) => r);
      // The app's session waiting on the lock.
      let pid: number | undefined;
      for (let i = 0; i < 100 && pid === undefined; i += 1) {
        const rows = await lock.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity
            WHERE datname = current_database() AND application_name = 'agora'
              AND wait_event_type = 'Lock'`,
        );
        pid = rows.rows[0]?.pid;
        if (pid === undefined) await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(pid).toBeDefined();
      // Waits until the backend has exited: without a timeout the signal is
      // only sent, and under load the request's statement could time out
      // first, leaving the kill to land on the next request's connection.
      await lock.query('SELECT pg_terminate_backend($1, 5000)', [pid]);
      return request;
    });
    expectProblem(res, 503);
    await app().http().get(`/api/posts/${postId}`).expect(200);
    expectNoLeakedClient(app().db);
  });
});
