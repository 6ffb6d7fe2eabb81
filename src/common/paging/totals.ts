import type { DataSource } from 'typeorm';
import { cappedTotal, exactTotal, TOTAL_CAP, type Total } from './page.js';

/**
 * An exact `meta.total` read from a counter the database keeps: `sql` selects
 * one row with an integer column `total` (no row counts as 0).
 */
export function counterTotal(
  dataSource: DataSource,
  sql: string,
  params: unknown[],
): () => Promise<Total> {
  return async () => {
    const rows: { total: number | null }[] = await dataSource.query(sql, params);
    return exactTotal(rows[0]?.total ?? 0);
  };
}

/**
 * A `meta.total` counted up to TOTAL_CAP by `sql`, which selects one row with
 * an integer column `total` and must stop counting there (bind `$cap` as
 * `LIMIT ${TOTAL_CAP}` in the text).
 */
export function cappedCountTotal(
  dataSource: DataSource,
  sql: string,
  params: unknown[],
): () => Promise<Total> {
  const text = sql.replaceAll('$cap', String(TOTAL_CAP));
  return async () => {
    const rows: { total: number | null }[] = await dataSource.query(text, params);
    return cappedTotal(rows[0]?.total ?? 0);
  };
}
