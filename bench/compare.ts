/**
 * Two bench result files side by side: `node dist/bench/compare.js
 * before.json after.json` prints, as markdown, each captured statement's
 * planning and execution time (EXPLAIN ANALYZE) in both, then the scenarios'
 * req/s and p50 where both runs measured them.
 *
 * Statements are matched by scenario and position (S1 #1, S1 #2, …): a
 * statement only one side has shows "–" on the other.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ExplainedStatement } from './explain.js';
import { oneLine } from './statements.js';
import type { SeriesSummary } from './report.js';

interface ResultFile {
  startedAt?: string;
  explain?: { dataset: string; statements: ExplainedStatement[] } | null;
  summaries?: SeriesSummary[];
}

async function load(path: string): Promise<ResultFile> {
  const parsed = JSON.parse(await readFile(path, 'utf8')) as ResultFile;
  if (!parsed || typeof parsed !== 'object') throw new Error(`${path}: not a bench result file`);
  return parsed;
}

function ms(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(2);
}

function change(before: number | undefined, after: number | undefined): string {
  if (before === undefined || after === undefined || !(before > 0) || !Number.isFinite(after)) {
    return '–';
  }
  return `${after / before < 1 ? '' : '+'}${(((after - before) / before) * 100).toFixed(0)}%`;
}

export function compareMarkdown(
  before: ResultFile,
  after: ResultFile,
  names: [string, string],
): string {
  const [b, a] = names;
  const lines = [
    `# Bench comparison: ${b} → ${a}`,
    '',
    `Before: ${before.startedAt ?? '?'} on ${before.explain?.dataset ?? '?'}; ` +
      `after: ${after.startedAt ?? '?'} on ${after.explain?.dataset ?? '?'}.`,
    '',
    '## EXPLAIN ANALYZE per captured statement',
    '',
    '| scenario | # | planning ms before | planning ms after | execution ms before | execution ms after | execution change | statement (after, else before) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  const key = (s: ExplainedStatement) => `${s.scenario}#${s.index}`;
  const beforeStatements = new Map((before.explain?.statements ?? []).map((s) => [key(s), s]));
  const afterStatements = new Map((after.explain?.statements ?? []).map((s) => [key(s), s]));
  const keys = [...new Set([...beforeStatements.keys(), ...afterStatements.keys()])].sort(
    (x, y) => {
      const [sx, ix] = x.split('#');
      const [sy, iy] = y.split('#');
      return sx.localeCompare(sy) || Number(ix) - Number(iy);
    },
  );
  for (const k of keys) {
    const old = beforeStatements.get(k);
    const now = afterStatements.get(k);
    const [scenario, index] = k.split('#');
    const sql = oneLine((now ?? old)?.sql ?? '', 90).replace(/\|/g, '\\|');
    lines.push(
      `| ${scenario} | ${index} | ${ms(old?.planningMs)} | ${ms(now?.planningMs)} | ` +
        `${ms(old?.executionMs)} | ${ms(now?.executionMs)} | ${change(old?.executionMs, now?.executionMs)} | \`${sql}\` |`,
    );
  }
  const total = (file: ResultFile, scenario: string, field: 'planningMs' | 'executionMs') =>
    (file.explain?.statements ?? [])
      .filter((s) => s.scenario === scenario)
      .reduce((n, s) => n + s[field], 0);
  const scenarios = [...new Set(keys.map((k) => k.split('#')[0]))];
  lines.push(
    '',
    '## Per request (sum of its statements)',
    '',
    '| scenario | planning ms before | planning ms after | execution ms before | execution ms after |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...scenarios.map(
      (sc) =>
        `| ${sc} | ${ms(total(before, sc, 'planningMs'))} | ${ms(total(after, sc, 'planningMs'))} | ` +
        `${ms(total(before, sc, 'executionMs'))} | ${ms(total(after, sc, 'executionMs'))} |`,
    ),
  );

  const label = (s: SeriesSummary) => `${s.scenario} ${s.label ?? s.role}`;
  const beforeSeries = new Map((before.summaries ?? []).map((s) => [label(s), s]));
  const both = (after.summaries ?? []).filter((s) => beforeSeries.has(label(s)));
  if (both.length > 0) {
    lines.push(
      '',
      '## Load (medians over rounds; different runs, so background load differs)',
      '',
      '| scenario | server | req/s before | req/s after | p50 ms before | p50 ms after |',
      '| --- | --- | ---: | ---: | ---: | ---: |',
      ...both.map((s) => {
        const old = beforeSeries.get(label(s));
        return (
          `| ${s.scenario} | ${s.label ?? s.role} | ${old?.rpsMedian ?? '–'} | ${s.rpsMedian} | ` +
          `${ms(old?.p50)} | ${ms(s.p50)} |`
        );
      }),
    );
  }
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const [beforePath, afterPath] = process.argv.slice(2);
  if (!beforePath || !afterPath) {
    console.error('usage: node dist/bench/compare.js <before.json> <after.json>');
    process.exit(2);
  }
  const [before, after] = await Promise.all([load(beforePath), load(afterPath)]);
  process.stdout.write(compareMarkdown(before, after, [basename(beforePath), basename(afterPath)]));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
