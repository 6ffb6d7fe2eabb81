import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/** In the order they run (S10, S6's reference, right after S6). */
export const SCENARIO_IDS = ['S1', 'S2', 'S3', 'S4', 'S5', 'S6', 'S10', 'S7', 'S8', 'S9'] as const;
export type ScenarioId = (typeof SCENARIO_IDS)[number];

/** Row counts handed to the seed CLI (`npm run db:seed`). */
export interface SeedCounts {
  users: number;
  posts: number;
  votes: number;
  tagLinks: number;
  follows: number;
  comments: number;
  demoFollows: number;
}

export interface DatasetSpec {
  /** Short name used in the report: `full`, `small`, `quick`, `x10`. */
  name: string;
  database: string;
  counts: SeedCounts;
  /**
   * Followers of the seed's extra authors (`--followed-authors`): S8 publishes
   * as `followed_10000` and as `followed_10`. On top of the users and follows above.
   */
  followedAuthors: number[];
  /** S3: how many 100-row pages to walk for its cursor (the same relative depth on every dataset). */
  cursorPages: number;
}

const FULL: SeedCounts = {
  users: 10_000,
  posts: 100_000,
  votes: 1_000_000,
  tagLinks: 300_000,
  follows: 500_000,
  comments: 200_000,
  demoFollows: 1000,
};

const ONE_PERCENT: SeedCounts = {
  users: 100,
  posts: 1000,
  votes: 10_000,
  tagLinks: 3000,
  follows: 5000,
  comments: 2000,
  demoFollows: 10,
};

const TEN_TIMES: SeedCounts = {
  users: 100_000,
  posts: 1_000_000,
  votes: 10_000_000,
  tagLinks: 3_000_000,
  follows: 5_000_000,
  comments: 2_000_000,
  demoFollows: 10_000,
};

/**
 * The datasets' database names start with this: `agora_bench` unless
 * BENCH_DATABASE_PREFIX says otherwise, so that several checkouts can share
 * one server (BENCH_DATABASE_URL) without reseeding each other's datasets.
 */
export const DATABASE_PREFIX = databasePrefix(process.env.BENCH_DATABASE_PREFIX);

function databasePrefix(raw: string | undefined): string {
  const prefix = raw?.trim() || 'agora_bench';
  if (!/^[a-z_][a-z0-9_]{0,40}$/.test(prefix)) {
    throw new Error(
      `BENCH_DATABASE_PREFIX must be 1 to 41 of a-z, 0-9 and _ (not starting with a digit), not "${prefix}"`,
    );
  }
  return prefix;
}

/** S8's authors: one followed by 10,000 users (fewer where there are not that many), one by 10. */
export const S8_FOLLOWERS = [10_000, 10] as const;
const AUTHORS = [...S8_FOLLOWERS];

export const DATASETS = {
  full: {
    name: 'full',
    database: `${DATABASE_PREFIX}_full`,
    counts: FULL,
    followedAuthors: AUTHORS,
    cursorPages: 500,
  },
  small: {
    name: 'small',
    database: `${DATABASE_PREFIX}_small`,
    counts: ONE_PERCENT,
    followedAuthors: AUTHORS,
    cursorPages: 5,
  },
  // 1%, not less: with fewer users the follow graph could not hold 1% of the follows.
  quick: {
    name: 'quick',
    database: `${DATABASE_PREFIX}_quick`,
    counts: ONE_PERCENT,
    followedAuthors: AUTHORS,
    cursorPages: 5,
  },
  // `--scale 10` only: not in CI, its seed takes a while.
  x10: {
    name: 'x10',
    database: `${DATABASE_PREFIX}_x10`,
    counts: TEN_TIMES,
    followedAuthors: AUTHORS,
    cursorPages: 5000,
  },
} satisfies Record<string, DatasetSpec>;

export interface BenchOptions {
  quick: boolean;
  rounds: number;
  /** Seconds per measured round. */
  duration: number;
  /** Seconds of discarded load before a scenario's first round on each server. */
  warmup: number;
  connections: number;
  scenarios: ScenarioId[];
  /** 10: the read scenarios run on the 10× dataset too (`agora_bench_x10`). */
  scale: 1 | 10;
  /** Agora's WORKERS: node:cluster workers per Agora server (1: one process, as by default). */
  workers: number;
  /**
   * Agora reads from a streaming replica of the bench's embedded server
   * (DATABASE_REPLICA_URLS); the scenarios default to S1, S5 and S6.
   */
  replica: boolean;
}

const USAGE = `npm run bench -- [--quick] [--scale 10] [--rounds N] [--duration S] [--warmup S] [--connections N] [--scenarios S1,S5] [--workers N] [--replica]`;

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      rounds: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      scenarios: { type: 'string' },
      scale: { type: 'string' },
      workers: { type: 'string' },
      replica: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const quick = values.quick;
  return {
    quick,
    rounds: positiveInt('rounds', values.rounds, quick ? 1 : 3),
    duration: positiveInt('duration', values.duration, quick ? 3 : 10),
    warmup: nonNegativeInt('warmup', values.warmup, quick ? 1 : 3),
    connections: positiveInt('connections', values.connections, 32),
    scenarios: parseScenarios(values.scenarios ?? (values.replica ? REPLICA_SCENARIOS : undefined)),
    scale: parseScale(values.scale, quick),
    workers: parseWorkers(values.workers),
    replica: values.replica,
  };
}

/** What --replica measures unless --scenarios says otherwise: the list, a post, the feed. */
const REPLICA_SCENARIOS = 'S1,S5,S6';

function parseScale(raw: string | undefined, quick: boolean): 1 | 10 {
  if (raw === undefined || raw === '1') return 1;
  if (raw !== '10') throw new Error(`--scale must be 1 or 10, not "${raw}"`);
  if (quick) throw new Error('--scale 10 and --quick do not go together');
  return 10;
}

/** Within Agora's own bounds for WORKERS (src/config/env.validation.ts). */
function parseWorkers(raw: string | undefined): number {
  const workers = positiveInt('workers', raw, 1);
  if (workers > 64) throw new Error(`--workers must be 1 to 64, not ${workers}`);
  return workers;
}

function positiveInt(name: string, raw: string | undefined, fallback: number): number {
  const value = nonNegativeInt(name, raw, fallback);
  if (value === 0) throw new Error(`--${name} must be at least 1`);
  return value;
}

function nonNegativeInt(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new Error(`--${name} must be a whole number, not "${raw}"`);
  return Number(raw);
}

function parseScenarios(raw: string | undefined): ScenarioId[] {
  if (raw === undefined) return [...SCENARIO_IDS];
  const wanted = raw
    .split(',')
    .map((s) => s.trim().toUpperCase())
    .filter((s) => s.length > 0);
  for (const id of wanted) {
    if (!isScenarioId(id))
      throw new Error(`--scenarios: unknown "${id}" (${SCENARIO_IDS.join(', ')})`);
  }
  // Always in S1…S9 order, whatever order was asked for.
  return SCENARIO_IDS.filter((id) => wanted.includes(id));
}

export function isScenarioId(value: string): value is ScenarioId {
  return (SCENARIO_IDS as readonly string[]).includes(value);
}

/** The repository root (this file runs as dist/bench/options.js). */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
