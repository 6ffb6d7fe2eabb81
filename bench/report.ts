import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { GUARDED_TABLES, type ExplainReport } from './explain.js';
import { median, round, type RoundResult } from './load.js';
import { ROOT, type ScenarioId } from './options.js';
import { SCENARIOS } from './scenarios.js';
import type { SerializeResult } from './serialize.js';
import type { MemoryStats } from './server.js';

/**
 * Which server a series of rounds ran against: Agora on the primary dataset
 * (`agora`), on the 1% one (`small`), on the 10× one (`x10`), the ceiling; and
 * for S8, Agora on the primary dataset as the author with few followers
 * (`fewFollowers`; `agora` is then the author with 10,000).
 */
export type ServerRole = 'agora' | 'small' | 'x10' | 'ceiling' | 'fewFollowers';

export const ROLE_LABEL: Record<ServerRole, string> = {
  agora: 'Agora',
  small: 'Agora, small dataset',
  x10: 'Agora, 10× dataset',
  ceiling: 'ceiling',
  fewFollowers: 'Agora, author with few followers',
};

/** Which datasets the p50 ratios compare: the primary one and the 10× one, each against the 1%. */
const SCALE_CHECKS = [
  { role: 'agora', name: 'full / small' },
  { role: 'x10', name: 'x10 / small' },
] as const;

export interface Series {
  scenario: ScenarioId;
  role: ServerRole;
  /** Shown instead of the role's label (S8: which author). */
  label?: string;
  warmup: RoundResult | null;
  rounds: RoundResult[];
}

export interface SeriesSummary {
  scenario: ScenarioId;
  role: ServerRole;
  label?: string;
  rpsMedian: number;
  rpsMin: number;
  rpsMax: number;
  /** Medians over the rounds, ms. */
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
  /** Rounds that completed no request at all (every one outlived the round). */
  emptyRounds: number;
  /** The server's largest sampled resident set over the rounds, MB. */
  rssMb: number | null;
  /** CPU per request, ms, medians over the rounds: the server's processes, PostgreSQL's. */
  cpuServerMs: number | null;
  cpuDatabaseMs: number | null;
  /** Each round's req/s and p50, in order, for comparisons round by round. */
  rounds: { rps: number; p50: number }[];
}

export interface TargetCheck {
  name: string;
  measured: string;
  target: string;
  pass: boolean;
  /** The compared ratio, for the scenario table (absent for counts). */
  ratio?: number;
  /** A failed enforced check fails the run; in --quick most are shown for information only. */
  enforced: boolean;
  /** A figure to compare with, not a target (S10: what signing in costs). */
  reference?: boolean;
}

export function summarize(series: Series): SeriesSummary {
  const rps = series.rounds.map((r) => r.rps);
  return {
    scenario: series.scenario,
    role: series.role,
    ...(series.label ? { label: series.label } : {}),
    rpsMedian: round(median(rps), 1),
    rpsMin: Math.min(...rps),
    rpsMax: Math.max(...rps),
    p50: round(median(finite(series.rounds.map((r) => r.p50))), 2),
    p99: round(median(finite(series.rounds.map((r) => r.p99))), 2),
    requests: series.rounds.reduce((n, r) => n + r.requests, 0),
    non2xx: series.rounds.reduce((n, r) => n + r.non2xx, 0),
    errors: series.rounds.reduce((n, r) => n + r.errors, 0),
    emptyRounds: series.rounds.filter((r) => r.requests === 0).length,
    rounds: series.rounds.map((r) => ({ rps: r.rps, p50: r.p50 })),
    rssMb: maxRssMb(series.rounds),
    cpuServerMs: medianOf(series.rounds.map((r) => r.cpu.serverMs)),
    cpuDatabaseMs: medianOf(series.rounds.map((r) => r.cpu.databaseMs)),
  };
}

/** The median of the values measured; null when none was. */
function medianOf(values: (number | null)[]): number | null {
  const measured = values.filter((v): v is number => v !== null);
  return measured.length > 0 ? round(median(measured), 3) : null;
}

function maxRssMb(rounds: RoundResult[]): number | null {
  const samples = rounds.flatMap((r) => (r.serverRssKb === null ? [] : [r.serverRssKb]));
  return samples.length > 0 ? Math.round(Math.max(...samples) / 1024) : null;
}

/** Median of a[i] / b[i] over the rounds both have; NaN when none. */
function pairedRatio(a: number[], b: number[]): number {
  const ratios = a.flatMap((value, i) =>
    b[i] !== undefined && b[i] > 0 && Number.isFinite(value) ? [value / b[i]] : [],
  );
  return ratios.length > 0 ? median(ratios) : Number.NaN;
}

function finite(values: number[]): number[] {
  return values.filter((v) => Number.isFinite(v));
}

export interface TargetInputs {
  quick: boolean;
  summaries: SeriesSummary[];
  /** Every Agora process's memory: the primary dataset's, the small one's, the 10× one's. */
  memory: (MemoryStats & { key: string })[];
  explain: ExplainReport | null;
  serialize: SerializeResult;
}

const RSS_LIMIT_MB = 300;
const SERIALIZE_LIMIT_MICROS = 50;

/** The PASS/FAIL table. Checks whose inputs were not measured (--scenarios) are left out. */
export function checkTargets(input: TargetInputs): TargetCheck[] {
  const find = (scenario: ScenarioId, role: ServerRole) =>
    input.summaries.find((s) => s.scenario === scenario && s.role === role);
  const informative = !input.quick;
  const checks: TargetCheck[] = [];

  /**
   * Against the same scenario on another server (the ceiling), the servers took
   * turns round by round: the ratio is the median of the per-round ratios, which
   * background load drifting between rounds does not skew. Against another
   * scenario (S1), rounds are minutes apart: the ratio of the medians.
   */
  const throughput = (scenario: ScenarioId, versus: ScenarioId, role: ServerRole, min: number) => {
    const mine = find(scenario, 'agora');
    const other = find(versus, role);
    if (!mine || !other || other.rpsMedian === 0) return;
    const paired = scenario === versus;
    const ratio = paired
      ? pairedRatio(
          mine.rounds.map((r) => r.rps),
          other.rounds.map((r) => r.rps),
        )
      : mine.rpsMedian / other.rpsMedian;
    const versusLabel = role === 'ceiling' ? 'ceiling' : versus;
    checks.push({
      name: `${scenario} req/s vs ${versusLabel}`,
      measured:
        `${ratio.toFixed(2)} (${paired ? 'median of round pairs; ' : ''}` +
        `medians ${fmtRps(mine.rpsMedian)} / ${fmtRps(other.rpsMedian)})`,
      target: `≥ ${min} × ${versusLabel}`,
      pass: ratio >= min,
      ratio,
      enforced: informative,
    });
  };
  throughput('S1', 'S1', 'ceiling', 0.75);
  throughput('S5', 'S5', 'ceiling', 0.75);
  for (const id of ['S2', 'S3', 'S6', 'S9'] as const) throughput(id, 'S1', 'agora', 0.75);
  throughput('S4', 'S1', 'agora', 0.5);
  const signedIn = find('S10', 'agora');
  const anonymous = find('S1', 'agora');
  if (signedIn && anonymous && anonymous.rpsMedian > 0) {
    const ratio = signedIn.rpsMedian / anonymous.rpsMedian;
    checks.push({
      name: 'S10 req/s vs S1',
      measured: `${ratio.toFixed(2)} (medians ${fmtRps(signedIn.rpsMedian)} / ${fmtRps(anonymous.rpsMedian)})`,
      target: "none: S6's reference (S1 signed in, without the feed)",
      pass: true,
      ratio,
      enforced: false,
      reference: true,
    });
  }

  const votes = find('S7', 'agora');
  if (votes) {
    checks.push({
      name: 'S7 votes: no failures',
      measured: failures([votes]),
      target: '0 and 0',
      pass: votes.non2xx === 0 && votes.errors === 0 && votes.emptyRounds === 0,
      enforced: true,
    });
  }

  const published = [find('S8', 'agora'), find('S8', 'fewFollowers')].filter(
    (s): s is SeriesSummary => s !== undefined,
  );
  if (published.length > 0) {
    checks.push({
      name: 'S8 publish + delete: no failures',
      measured: failures(published),
      target: '0 and 0',
      pass: published.every((s) => s.non2xx === 0 && s.errors === 0 && s.emptyRounds === 0),
      enforced: true,
    });
  }
  const [many, few] = [find('S8', 'agora'), find('S8', 'fewFollowers')];
  if (many && few) {
    // The two authors took turns round by round: the median of the per-round ratios.
    const ratio = pairedRatio(
      many.rounds.map((r) => r.p50),
      few.rounds.map((r) => r.p50),
    );
    checks.push({
      name: 'S8 p50 many / few followers',
      measured:
        `${ratio.toFixed(2)} (median of round pairs; medians ${fmtMs(many.p50)} / ${fmtMs(few.p50)} ms` +
        `; ${many.label ?? 'many'} vs ${few.label ?? 'few'})`,
      target: '≤ 1.25',
      pass: ratio <= 1.25,
      ratio,
      enforced: informative,
    });
  }

  for (const { role, name } of SCALE_CHECKS) {
    for (const id of ['S1', 'S2', 'S3', 'S4', 'S5', 'S6'] as const) {
      const large = find(id, role);
      const small = find(id, 'small');
      if (!large || !small) continue;
      const ratio = pairedRatio(
        large.rounds.map((r) => r.p50),
        small.rounds.map((r) => r.p50),
      );
      checks.push({
        name: `${id} p50 ${name}`,
        measured: `${ratio.toFixed(2)} (median of round pairs; medians ${fmtMs(large.p50)} / ${fmtMs(small.p50)} ms)`,
        target: '≤ 1.25',
        // NaN (a side without answers) fails.
        pass: ratio <= 1.25,
        ratio,
        enforced: informative,
      });
    }
  }

  const peaks = input.memory.flatMap((m) =>
    m.peakKb === null ? [] : [{ key: m.key, mb: m.peakKb / 1024 }],
  );
  if (peaks.length > 0) {
    const largest = Math.max(...peaks.map((p) => p.mb));
    checks.push({
      name: 'Agora peak RSS (VmHWM), every Agora process',
      measured: peaks.map((p) => `${p.key} ${p.mb.toFixed(0)} MB`).join(', '),
      target: `≤ ${RSS_LIMIT_MB} MB`,
      pass: largest <= RSS_LIMIT_MB,
      enforced: informative,
    });
  }

  const reads = input.summaries.filter((s) => SCENARIOS[s.scenario].read);
  if (reads.length > 0) {
    checks.push({
      name: 'reads: no failures',
      measured: failures(reads),
      target: '0 and 0',
      pass: reads.every((s) => s.non2xx === 0 && s.errors === 0 && s.emptyRounds === 0),
      enforced: true,
    });
  }

  if (input.explain) {
    const { explain } = input;
    checks.push({
      name: `EXPLAIN: no Seq Scan on ${GUARDED_TABLES.join(', ')} (${explain.dataset})`,
      measured:
        explain.violations.length === 0
          ? `${explain.statements.length} statements clean`
          : explain.violations.join('; '),
      target: 'none',
      pass: explain.violations.length === 0,
      enforced: explain.enforced,
    });
  }

  checks.push({
    name: 'PostResponse.from, 20-post page',
    measured:
      `${input.serialize.mapperMicros} µs median, ${input.serialize.mapperMinMicros} µs fastest batch ` +
      `(class-transformer ${input.serialize.classTransformerMicros} µs)`,
    target: `≤ ${SERIALIZE_LIMIT_MICROS} µs`,
    pass: input.serialize.mapperMicros <= SERIALIZE_LIMIT_MICROS,
    enforced: informative,
  });
  return checks;
}

export function failedChecks(checks: TargetCheck[]): TargetCheck[] {
  return checks.filter((c) => c.enforced && !c.pass);
}

/** Non-2xx answers and errors; a round without a single answer counts as a failure too. */
function failures(summaries: SeriesSummary[]): string {
  const non2xx = summaries.reduce((n, s) => n + s.non2xx, 0);
  const errors = summaries.reduce((n, s) => n + s.errors, 0);
  const empty = summaries.filter((s) => s.emptyRounds > 0);
  const silent =
    empty.length > 0
      ? `; no answer at all within a round: ${empty.map((s) => `${s.scenario} (${ROLE_LABEL[s.role]})`).join(', ')}`
      : '';
  return `${non2xx} non-2xx, ${errors} errors${silent}`;
}

function fmtMs(value: number): string {
  return Number.isFinite(value) ? value.toFixed(1) : 'n/a';
}

/** `0.462 + 0.289`: the server's CPU per request and PostgreSQL's, ms (either may be unknown). */
function fmtCpu(s: SeriesSummary): string {
  if (s.cpuServerMs === null && s.cpuDatabaseMs === null) return '';
  return `${s.cpuServerMs?.toFixed(3) ?? '?'} + ${s.cpuDatabaseMs?.toFixed(3) ?? '?'}`;
}

function fmtRps(value: number): string {
  return value >= 100 ? value.toFixed(0) : value.toFixed(1);
}

function verdict(check: TargetCheck): string {
  if (check.reference) return 'reference';
  if (check.pass) return 'PASS';
  return check.enforced ? '**FAIL**' : 'FAIL (info)';
}

/** The markdown report: every series, then every target. */
export function markdown(input: {
  title: string;
  preamble: string[];
  summaries: SeriesSummary[];
  checks: TargetCheck[];
  notes: string[];
}): string {
  const checkFor = (summary: SeriesSummary): TargetCheck | undefined => {
    const id = summary.scenario;
    switch (summary.role) {
      case 'small':
        return input.checks.find((c) => c.name === `${id} p50 full / small`);
      case 'x10':
        return input.checks.find((c) => c.name === `${id} p50 x10 / small`);
      case 'ceiling':
        return undefined;
      case 'fewFollowers':
        return undefined;
      case 'agora':
        return input.checks.find(
          (c) =>
            c.name.startsWith(`${id} req/s`) ||
            c.name.startsWith(`${id} votes`) ||
            c.name === `${id} p50 many / few followers`,
        );
    }
  };
  const lines = [
    `# ${input.title}`,
    '',
    ...input.preamble,
    '',
    '| scenario | server | req/s median (min–max) | p50 ms | p99 ms | non-2xx / errors | RSS MB | CPU ms/req server + PG | ratio | target | result |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |',
  ];
  for (const s of input.summaries) {
    const check = checkFor(s);
    lines.push(
      `| ${s.scenario} ${SCENARIOS[s.scenario].title} | ${s.label ?? ROLE_LABEL[s.role]} | ` +
        `${fmtRps(s.rpsMedian)} (${fmtRps(s.rpsMin)}–${fmtRps(s.rpsMax)}) | ${fmtMs(s.p50)} | ${fmtMs(s.p99)} | ` +
        `${s.non2xx} / ${s.errors} | ${s.rssMb ?? ''} | ${fmtCpu(s)} | ${check?.ratio?.toFixed(2) ?? ''} | ${check?.target ?? ''} | ` +
        `${check ? verdict(check) : ''} |`,
    );
  }
  lines.push(
    '',
    '## Targets',
    '',
    '| check | measured | target | result |',
    '| --- | --- | --- | --- |',
  );
  for (const c of input.checks) {
    lines.push(`| ${c.name} | ${c.measured.replace(/\|/g, '\\|')} | ${c.target} | ${verdict(c)} |`);
  }
  if (input.notes.length > 0) lines.push('', ...input.notes);
  return `${lines.join('\n')}\n`;
}

/**
 * bench/results/<timestamp>.json, latest.json and latest.md, formatted as
 * Prettier would (`npm run lint` checks them once committed). Returns the
 * timestamped path.
 */
export async function writeResults(startedAt: Date, json: unknown, md: string): Promise<string> {
  const dir = join(ROOT, 'bench/results');
  await mkdir(dir, { recursive: true });
  const stamp = startedAt.toISOString().replace(/:/g, '-');
  const path = join(dir, `${stamp}.json`);
  const text = await formatted(path, JSON.stringify(json, null, 2));
  await writeFile(path, text);
  await writeFile(join(dir, 'latest.json'), text);
  await writeFile(join(dir, 'latest.md'), await formatted(join(dir, 'latest.md'), md));
  return path;
}

async function formatted(path: string, text: string): Promise<string> {
  const options = await resolveConfig(path);
  return format(text, { ...options, filepath: path });
}
