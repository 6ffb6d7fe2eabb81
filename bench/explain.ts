import { withClient } from './database.js';
import { oneLine, type CapturedRequest } from './statements.js';

/** Tables a read must never scan whole: they grow with the data. */
const GUARDED = ['posts', 'votes', 'post_tags'];

export interface ExplainedStatement {
  scenario: string;
  /** 1-based position among the request's statements. */
  index: number;
  sql: string;
  params: unknown[];
  /** Milliseconds, from EXPLAIN ANALYZE. */
  executionMs: number;
  planningMs: number;
  /** Top plan node, e.g. "Limit" or "Index Scan". */
  root: string;
  seqScans: string[];
  /** Seq scans on guarded tables. */
  violations: string[];
}

export interface ExplainReport {
  dataset: string;
  /** Whether a violation fails the run (full dataset) or is only reported. */
  enforced: boolean;
  statements: ExplainedStatement[];
  violations: string[];
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

interface ExplainOutput {
  Plan: PlanNode;
  'Execution Time'?: number;
  'Planning Time'?: number;
}

/**
 * EXPLAIN ANALYZE (FORMAT JSON) of every captured statement, with the
 * parameters Agora sent: the plan PostgreSQL really ran for that request.
 * Reads only, so analysing them changes nothing.
 */
export async function explainCaptured(
  url: string,
  dataset: string,
  requests: CapturedRequest[],
  enforced: boolean,
): Promise<ExplainReport> {
  return withClient(url, async (client) => {
    const statements: ExplainedStatement[] = [];
    for (const request of requests) {
      let index = 0;
      for (const statement of request.statements) {
        index += 1;
        const { rows } = await client.query<{ 'QUERY PLAN': ExplainOutput[] }>(
          `EXPLAIN (ANALYZE, FORMAT JSON) ${statement.sql}`,
          statement.params,
        );
        const output = rows[0]['QUERY PLAN'][0];
        const seqScans = scans(output.Plan);
        statements.push({
          scenario: request.scenario,
          index,
          sql: statement.sql,
          params: statement.params,
          executionMs: output['Execution Time'] ?? Number.NaN,
          planningMs: output['Planning Time'] ?? Number.NaN,
          root: output.Plan['Node Type'],
          seqScans,
          violations: seqScans.filter((table) => GUARDED.includes(table)),
        });
      }
    }
    const violations = statements.flatMap((s) =>
      s.violations.map(
        (table) =>
          `${s.scenario} statement ${s.index}: Seq Scan on ${table} (${oneLine(s.sql, 90)})`,
      ),
    );
    return { dataset, enforced, statements, violations };
  });
}

/** Tables under a Seq Scan node anywhere in the plan (subplans and init plans included). */
function scans(node: PlanNode): string[] {
  const own =
    node['Node Type'] === 'Seq Scan' && node['Relation Name'] ? [node['Relation Name']] : [];
  return [...own, ...(node.Plans ?? []).flatMap(scans)];
}
