import { withClient } from './database.js';
import { median } from './load.js';
import { oneLine, type CapturedRequest } from './statements.js';

/** Tables a read must never scan whole: they grow with the data. */
export const GUARDED_TABLES = ['posts', 'votes', 'post_tags', 'follows', 'comments'];

export interface ExplainedStatement {
  scenario: string;
  /** 1-based position among the request's statements. */
  index: number;
  sql: string;
  params: unknown[];
  /** Milliseconds, from EXPLAIN ANALYZE: the median of EXPLAIN_RUNS runs. */
  executionMs: number;
  planningMs: number;
  /** Every run's figures, in order (the first on a connection that had not planned it yet). */
  executionRuns: number[];
  planningRuns: number[];
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

/** EXPLAIN ANALYZE runs per statement; the report keeps the medians. */
export const EXPLAIN_RUNS = 5;

/**
 * EXPLAIN ANALYZE (FORMAT JSON) of every captured statement, with the
 * parameters Agora sent: the plan PostgreSQL really ran for that request.
 * Reads only, so analysing them changes nothing. Each statement runs
 * EXPLAIN_RUNS times and the medians are kept: the first run on the
 * connection also pays for loading the catalog caches (S1's planning time
 * came out 2.5 ms once, 0.4 ms after), and a single run is at the mercy of
 * whatever else the machine is doing.
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
        const outputs: ExplainOutput[] = [];
        for (let run = 0; run < EXPLAIN_RUNS; run++) {
          const { rows } = await client.query<{ 'QUERY PLAN': ExplainOutput[] }>(
            `EXPLAIN (ANALYZE, FORMAT JSON) ${statement.sql}`,
            statement.params,
          );
          outputs.push(rows[0]['QUERY PLAN'][0]);
        }
        const output = outputs[outputs.length - 1];
        const executionRuns = outputs.map((o) => o['Execution Time'] ?? Number.NaN);
        const planningRuns = outputs.map((o) => o['Planning Time'] ?? Number.NaN);
        const seqScans = [...new Set(outputs.flatMap((o) => scans(o.Plan)))];
        statements.push({
          scenario: request.scenario,
          index,
          sql: statement.sql,
          params: statement.params,
          executionMs: median(executionRuns),
          planningMs: median(planningRuns),
          executionRuns,
          planningRuns,
          root: output.Plan['Node Type'],
          seqScans,
          violations: seqScans.filter((table) => GUARDED_TABLES.includes(table)),
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
