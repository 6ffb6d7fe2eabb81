import type { DataSource } from 'typeorm';
import { prepared, type PreparedStatement } from '../../database/prepared.js';
import { cappedTotal, exactTotal, TOTAL_CAP, type Total } from './page.js';

type TotalRow = { total: number | null };

/** The statements of the totals below, by text: each is a named prepared statement. */
const statements = new Map<string, PreparedStatement<TotalRow>>();

function statement(text: string): PreparedStatement<TotalRow> {
  let found = statements.get(text);
  if (!found) statements.set(text, (found = prepared<TotalRow>(text)));
  return found;
}

/**
 * An exact `meta.total` read from a counter the database keeps: `sql` selects
 * one row with an integer column `total` (no row counts as 0).
 */
export function counterTotal(
  dataSource: DataSource,
  sql: string,
  params: unknown[],
): () => Promise<Total> {
  const run = statement(sql);
  return async () => exactTotal((await run.one(dataSource, params))?.total ?? 0);
}

/**
 * A `meta.total` counted up to TOTAL_CAP by `sql`, which selects one row with
 * an integer column `total` and must stop counting there (write `$cap` where
 * the text needs the cap, as in `LIMIT $cap`).
 */
export function cappedCountTotal(
  dataSource: DataSource,
  sql: string,
  params: unknown[],
): () => Promise<Total> {
  const run = statement(sql.replaceAll('$cap', String(TOTAL_CAP)));
  return async () => cappedTotal((await run.one(dataSource, params))?.total ?? 0);
}
