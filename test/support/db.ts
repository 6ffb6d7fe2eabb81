import type { TestApp } from './app.js';

/** The rows of `FROM ${sql}`, e.g. `count(t, 'posts WHERE author_id = $1', [id])`. */
export async function count(t: TestApp, sql: string, params: unknown[]): Promise<number> {
  const rows: { n: number }[] = await t.db.query(`SELECT count(*)::int AS n FROM ${sql}`, params);
  return rows[0].n;
}

/** An id above every row's of `table`, so no row has it. */
export async function missingId(t: TestApp, table: 'posts' | 'users'): Promise<number> {
  const rows: { max: number }[] = await t.db.query(
    `SELECT coalesce(max(id), 0)::int AS max FROM ${table}`,
  );
  return rows[0].max + 1_000_000;
}
