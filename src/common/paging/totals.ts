import type { DataSource } from 'typeorm';
import { exactTotal, type Total } from './page.js';

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
