import type { DataSource } from 'typeorm';
import { CursorCodec } from '../../src/common/paging/cursor.js';
import { Paginator, type ListQuery } from '../../src/common/paging/paginator.js';
import { UNCOUNTED } from '../../src/common/paging/page.js';
import type { TestApp } from './app.js';

/** A node of `EXPLAIN (ANALYZE, FORMAT JSON)`'s plan, as far as the row counts go. */
export interface PlanNode {
  'Relation Name'?: string;
  'Actual Rows': number;
  'Actual Loops': number;
  'Rows Removed by Filter'?: number;
  Plans?: PlanNode[];
}

/** Rows a plan read from `relation` (returned or filtered out, every loop). */
export function rowsOf(node: PlanNode, relation: string): number {
  const own =
    node['Relation Name'] === relation
      ? (node['Actual Rows'] + (node['Rows Removed by Filter'] ?? 0)) * node['Actual Loops']
      : 0;
  return own + (node.Plans ?? []).reduce((sum, child) => sum + rowsOf(child, relation), 0);
}

/**
 * Rows the first-page statement of `list` (offset mode, `take` rows) reads
 * from `relation`, from EXPLAIN ANALYZE of the statement the paginator sends.
 * `counted: false` stands for a total the list already has (a tag's counter):
 * the page statement then counts nothing.
 */
export async function pageRowsRead(
  t: TestApp,
  list: ListQuery,
  relation: string,
  { take = 21, counted = true }: { take?: number; counted?: boolean } = {},
): Promise<number> {
  const { text, values } = pageStatement(t, list, { take, counted });
  const db: DataSource = t.db;
  const [{ 'QUERY PLAN': plan }]: { 'QUERY PLAN': [{ Plan: PlanNode }] }[] = await db.query(
    `EXPLAIN (ANALYZE, FORMAT JSON) ${text}`,
    values,
  );
  return rowsOf(plan[0].Plan, relation);
}

/**
 * The first-page statement (offset mode, `take` rows) the paginator sends for
 * `list`: its text and values. `counted` as in pageRowsRead.
 */
export function pageStatement(
  t: TestApp,
  list: ListQuery,
  { take = 21, counted = true }: { take?: number; counted?: boolean } = {},
): { text: string; values: unknown[] } {
  const paginator = new Paginator(t.app.get(CursorCodec));
  const { statements, params } = paginator.statementsFor(
    counted ? list : { ...list, total: () => Promise.resolve(UNCOUNTED) },
    { keyset: false, take, skip: false },
  );
  return { text: statements.page.text, values: statements.page.values(params) };
}
