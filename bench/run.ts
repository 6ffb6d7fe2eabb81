/**
 * `npm run bench`: seeds (or reuses) the bench datasets, starts Agora's
 * production build against them, measures the scenarios with autocannon,
 * compares with a minimal ceiling server running Agora's own SQL, checks the
 * plans, times the response mapper, and writes bench/results/. See
 * bench/README.md.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { EnvironmentVariables } from '../src/config/env.validation.js';
import { replicaBecomes } from '../test/support/scale-scenarios.js';
import { databaseProcesses, perRequest } from './cpu.js';
import {
  ensureDataset,
  startBenchReplica,
  withClient,
  resetWrites,
  openDatabaseServer,
  queryRows,
  serverVersion,
  DEMO_LOGIN,
  waitForQuiet,
  type Dataset,
} from './database.js';
import { explainCaptured, EXPLAIN_RUNS, GUARDED_TABLES, type ExplainReport } from './explain.js';
import { counterTable, hotFigures, hotMarkdown, statsSnapshot, type HotFigures } from './hot.js';
import { runLoad, type RoundResult } from './load.js';
import { DATASETS, parseOptions, type BenchOptions, type ScenarioId } from './options.js';
import {
  checkTargets,
  failedChecks,
  markdown,
  ROLE_LABEL,
  summarize,
  writeResults,
  type Series,
  type ServerRole,
} from './report.js';
import { prepareScenarios, SCENARIOS, type PreparedScenario } from './scenarios.js';
import { runSerializeBench } from './serialize.js';
import {
  BENCH_JWT_SECRET,
  captureStatements,
  startAgora,
  startProdArgs,
  startCeiling,
  type ChildServer,
  type MemoryStats,
} from './server.js';
import { oneLine, type CapturedRequest } from './statements.js';

/** Undo steps, run last-in first-out at the end, on error and on Ctrl-C. */
class Cleanup {
  private readonly steps: (() => Promise<unknown>)[] = [];
  private running: Promise<void> | undefined;

  add(step: () => Promise<unknown>): void {
    this.steps.push(step);
  }

  run(): Promise<void> {
    this.running ??= (async () => {
      for (const step of this.steps.reverse()) {
        await step().catch((error: unknown) => console.error('cleanup:', error));
      }
    })();
    return this.running;
  }
}

interface Target {
  role: ServerRole;
  server: ChildServer;
  scenario: PreparedScenario;
  dataset: Dataset;
}

async function main(options: BenchOptions, cleanup: Cleanup): Promise<number> {
  const startedAt = new Date();
  const poolSize = new EnvironmentVariables().DB_POOL_SIZE;
  console.log(
    `Agora bench${options.quick ? ' --quick' : ''}: ${options.rounds} × ${options.duration} s ` +
      `(warm-up ${options.warmup} s), ${options.connections} connections, ${options.scenarios.join(' ')}`,
  );

  // The micro-benchmark first, while nothing else competes for the CPU.
  console.log('\n==> serializer micro-benchmark');
  const serialize = runSerializeBench();
  console.log(
    `  PostResponse.from: ${serialize.mapperMicros} µs per 20-post page; ` +
      `class-transformer: ${serialize.classTransformerMicros} µs`,
  );

  console.log('\n==> datasets');
  const dbServer = await openDatabaseServer();
  cleanup.add(() => dbServer.stop());
  const specs = options.quick
    ? [DATASETS.quick]
    : [DATASETS.full, DATASETS.small, ...(options.scale === 10 ? [DATASETS.x10] : [])];
  const datasets: Dataset[] = [];
  for (const spec of specs) datasets.push(await ensureDataset(dbServer, spec));
  const [primary, small, x10] = datasets as [Dataset, Dataset | undefined, Dataset | undefined];
  const pgVersion = await serverVersion(primary.url);

  console.log(
    `\n==> Agora (node ${startProdArgs().join(' ')}: start:prod's command line, NODE_ENV=production, LOG_LEVEL=warn` +
      `${options.workers > 1 ? `, WORKERS=${options.workers}` : ''})`,
  );
  const workers = options.workers;
  let replicaEnv: Record<string, string> = {};
  let replicaCommits: (() => Promise<number>) | undefined;
  if (options.replica) {
    console.log("  --replica: a streaming replica of the bench's server (a copy in backup mode)");
    const replica = await startBenchReplica(dbServer);
    cleanup.add(() => replica.stop());
    replicaEnv = { DATABASE_REPLICA_URLS: replica.urlFor(primary.spec.database) };
    // The replica's own count of the transactions it ran (each read statement is one).
    replicaCommits = () =>
      withClient(replica.urlFor(primary.spec.database), async (client) =>
        Number(
          (
            await client.query<{ n: string }>(
              'SELECT xact_commit AS n FROM pg_stat_database WHERE datname = current_database()',
            )
          ).rows[0].n,
        ),
      );
  }
  const agora = await startAgora(
    `agora ${primary.spec.name}`,
    primary.url,
    poolSize,
    workers,
    replicaEnv,
  );
  cleanup.add(() => agora.stop());
  if (options.replica) {
    // Its monitor has found the replica healthy: the reads measured go there.
    console.log(`  replica ${JSON.stringify(await replicaBecomes(agora.url, 'up'))}`);
  }
  const agoraSmall = small
    ? await startAgora(`agora ${small.spec.name}`, small.url, poolSize, workers)
    : undefined;
  if (agoraSmall) cleanup.add(() => agoraSmall.stop());
  const agoraX10 = x10
    ? await startAgora(`agora ${x10.spec.name}`, x10.url, poolSize, workers)
    : undefined;
  if (agoraX10) cleanup.add(() => agoraX10.stop());
  console.log(
    `  ${[agora, agoraSmall, agoraX10]
      .flatMap((server) => (server ? [`${server.name} pid ${server.pid}`] : []))
      .join(', ')}`,
  );

  const ceilingWanted = options.scenarios.some((id) => SCENARIOS[id].ceiling);
  // The ceiling needs both S1's and S5's SQL whichever of them is measured.
  const prepareIds = [...options.scenarios];
  if (ceilingWanted) {
    for (const id of ['S1', 'S5'] as const) if (!prepareIds.includes(id)) prepareIds.push(id);
  }
  console.log('\n==> scenarios');
  const scenarios = await prepareScenarios(prepareIds, {
    dataset: primary,
    agoraUrl: agora.url,
    connections: options.connections,
  });
  const readIds = options.scenarios.filter((id) => SCENARIOS[id].read);
  // The read scenarios again on another dataset, against its own Agora.
  const readsOn = (dataset: typeof small, server: typeof agoraSmall) =>
    dataset && server
      ? prepareScenarios(readIds, {
          dataset,
          agoraUrl: server.url,
          connections: options.connections,
        })
      : Promise.resolve([]);
  const smallScenarios = await readsOn(small, agoraSmall);
  const x10Scenarios = await readsOn(x10, agoraX10);
  for (const [list, dataset] of [
    [scenarios, primary],
    [smallScenarios, small],
    [x10Scenarios, x10],
  ] as const) {
    for (const s of list) {
      const details = Object.entries(s.details).map(([k, v]) => `${k}=${v}`);
      if (details.length > 0) {
        console.log(`  ${s.info.id} ${dataset?.spec.name ?? ''}: ${details.join(', ')}`);
      }
    }
  }

  const tmp = await mkdtemp(join(os.tmpdir(), 'agora-bench-'));
  cleanup.add(() => rm(tmp, { recursive: true, force: true }));

  console.log("\n==> Agora's SQL (captured from the running code)");
  const captured = (
    await captureStatements(tmp, primary.url, poolSize, {
      login: DEMO_LOGIN,
      requests: scenarios.flatMap((s) => (s.capture ? [s.capture] : [])),
    })
  ).requests;
  for (const request of captured) {
    if (request.status !== 200) {
      throw new Error(`capture: ${request.url} answered ${request.status}`);
    }
    console.log(
      `  ${request.scenario} ${request.url.slice(0, 60)}: ${request.statements.length} statements`,
    );
  }
  const measuredCaptures = captured.filter((c) =>
    options.scenarios.includes(c.scenario as ScenarioId),
  );

  console.log(`\n==> EXPLAIN ANALYZE on ${primary.spec.database}`);
  const explain = await explainCaptured(
    primary.url,
    primary.spec.database,
    measuredCaptures,
    !options.quick,
  );
  printExplain(explain);

  let ceiling: ChildServer | undefined;
  let parity: string[] = [];
  if (ceilingWanted) {
    console.log(
      '\n==> ceiling server (Fastify + pg: prepared statements, its own SQL, a hand-written serializer)',
    );
    const list = capturedFor(captured, 'S1');
    const item = capturedFor(captured, 'S5');
    const listMeta = (list.body as { meta: { limit: number; nextCursor: string | null } }).meta;
    const counters = await counterTable(primary.url);
    ceiling = await startCeiling(tmp, {
      databaseUrl: primary.url,
      poolSize,
      cursorSecret: BENCH_JWT_SECRET,
      counters,
      list: {
        limit: listMeta.limit,
        cursorScope: cursorScope(listMeta.nextCursor),
        totalExact: 'totalExact' in listMeta,
      },
      description: 'description' in (item.body as object),
    });
    const started = ceiling;
    cleanup.add(() => started.stop());
    // S1, S5 as captured, and a few other ids: drafts (404 on both), the first and last posts.
    const others = await queryRows<{ id: number }>(
      primary.url,
      `(SELECT id FROM posts WHERE published ORDER BY id LIMIT 2)
       UNION ALL (SELECT id FROM posts WHERE published ORDER BY id DESC LIMIT 2)
       UNION ALL (SELECT id FROM posts WHERE NOT published ORDER BY id LIMIT 1)`,
    );
    parity = await compareAnswers(agora, ceiling, [
      list.url,
      item.url,
      ...others.map((r) => `/api/posts/${r.id}`),
    ]);
    console.log(
      parity.length === 0
        ? `  pool ${poolSize}, counters in ${counters}; answers S1 and S5 exactly as Agora does (cursors included)`
        : `  differs from Agora: ${parity.join('; ')}`,
    );
  }

  console.log('\n==> load');
  // PostgreSQL's CPU per request too, where its processes can be read from here.
  const databaseCpu = await databaseProcesses(dbServer.adminUrl);
  if (!databaseCpu)
    console.log("  (PostgreSQL's processes are not readable here: no database CPU figures)");
  const replicaBefore = await replicaCommits?.();
  const allSeries: Series[] = [];
  let hot: HotFigures | null = null;
  for (const id of options.scenarios) {
    const targets: Target[] = [];
    // S8 comes twice on the primary dataset: as each of its two authors.
    const mine = scenarios.filter((s) => s.info.id === id);
    if (mine.length === 0) continue;
    for (const s of mine) {
      targets.push({ role: s.role ?? 'agora', server: agora, scenario: s, dataset: primary });
    }
    const smallOne = smallScenarios.find((s) => s.info.id === id);
    if (smallOne && agoraSmall && small) {
      targets.push({ role: 'small', server: agoraSmall, scenario: smallOne, dataset: small });
    }
    const x10One = x10Scenarios.find((s) => s.info.id === id);
    if (x10One && agoraX10 && x10) {
      targets.push({ role: 'x10', server: agoraX10, scenario: x10One, dataset: x10 });
    }
    if (ceiling && SCENARIOS[id].ceiling) {
      targets.push({ role: 'ceiling', server: ceiling, scenario: mine[0], dataset: primary });
    }
    const series = targets.map<Series>((t) => ({
      scenario: id,
      role: t.role,
      ...(t.scenario.label ? { label: t.scenario.label } : {}),
      warmup: null,
      rounds: [],
    }));
    // S7's effect on the counter table: statistics and index sizes before and after.
    const hotBefore =
      id === 'S7' ? await statsSnapshot(primary.url, await counterTable(primary.url)) : null;
    const measure = async (target: Target, seconds: number): Promise<RoundResult> => {
      const writes = !SCENARIOS[id].read;
      if (writes) await resetWrites(target.dataset);
      target.server.takeWindowMax();
      const serverCpu = target.server.cpu;
      const cpuBefore = { server: serverCpu.readMs(), database: databaseCpu?.readMs() ?? null };
      const result = await runLoad(target.server.url, target.scenario.plan(), {
        connections: options.connections,
        duration: seconds,
      });
      result.serverRssKb = target.server.takeWindowMax();
      // Requests autocannon abandoned at the bell still run: let them finish first.
      result.drainMs = await waitForQuiet(dbServer.adminUrl);
      result.cpu = {
        serverMs: perRequest(cpuBefore.server, serverCpu.readMs(), result.requests),
        databaseMs: perRequest(cpuBefore.database, databaseCpu?.readMs() ?? null, result.requests),
      };
      if (writes) await resetWrites(target.dataset);
      return result;
    };
    // Targets take turns round by round, so drifting background load hits them
    // alike, and who goes first rotates, so no server always runs right after
    // another has warmed the database's caches for it.
    if (options.warmup > 0) {
      for (const [i, target] of targets.entries()) {
        series[i].warmup = await measure(target, options.warmup);
      }
    }
    for (let round = 1; round <= options.rounds; round++) {
      for (let turn = 0; turn < targets.length; turn++) {
        const i = (turn + round - 1) % targets.length;
        const target = targets[i];
        const result = await measure(target, options.duration);
        series[i].rounds.push(result);
        console.log(
          `  ${id} ${ROLE_LABEL[target.role].padEnd(20)} round ${round}/${options.rounds}: ` +
            `${result.rps.toFixed(0).padStart(6)} req/s, p50 ${result.p50.toFixed(1)} ms, ` +
            `p99 ${result.p99.toFixed(1)} ms, ${result.non2xx} non-2xx, ${result.errors} errors` +
            (result.non2xx > 0 ? ` ${JSON.stringify(result.statuses)}` : '') +
            (result.drainMs > 2000
              ? ` (its abandoned requests took ${(result.drainMs / 1000).toFixed(1)} s to finish)`
              : ''),
        );
      }
    }
    allSeries.push(...series);
    if (hotBefore) {
      const runs = series.flatMap((s) => [...(s.warmup ? [s.warmup] : []), ...s.rounds]);
      const requests = runs.reduce((n, r) => n + r.requests, 0);
      const succeeded = runs.reduce((n, r) => n + r.requests - r.non2xx, 0);
      hot = await hotFigures(primary.url, hotBefore, requests, succeeded);
      console.log(`  ${hot.summary}`);
    }
  }

  const memory: Record<string, MemoryStats> = {};
  const serverLogs: Record<string, Record<string, number>> = {};
  for (const [key, server] of [
    ['ceiling', ceiling],
    ['agoraX10', agoraX10],
    ['agoraSmall', agoraSmall],
    ['agora', agora],
  ] as const) {
    if (!server) continue;
    memory[key] = await server.stop();
    serverLogs[server.name] = server.messages();
  }
  const agoraMemory = memory.agora;
  // The RSS target holds for every Agora process, whatever its dataset.
  const agoraPeaks = (['agora', 'agoraSmall', 'agoraX10'] as const).flatMap((key) =>
    memory[key] ? [{ key, ...memory[key] }] : [],
  );
  const finishedAt = new Date();

  const summaries = allSeries.map(summarize);
  const checks = checkTargets({
    quick: options.quick,
    summaries,
    memory: agoraPeaks,
    explain,
    serialize,
  });
  if (ceiling) {
    checks.push({
      name: 'ceiling answers S1 and S5 as Agora does',
      measured: parity.length === 0 ? 'identical JSON' : parity.join('; '),
      target: 'identical',
      pass: parity.length === 0,
      enforced: !options.quick,
    });
  }
  const failed = failedChecks(checks);

  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.platform()} ${os.release()}`,
    node: process.version,
    postgres: pgVersion,
    database: dbServer.kind,
    loadavg: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
  const mb = (kb: number | null) => (kb === null ? 'n/a' : `${(kb / 1024).toFixed(0)} MB`);
  const preamble = [
    `${startedAt.toISOString()} · ${options.quick ? '--quick · ' : ''}` +
      `${options.workers > 1 ? `--workers ${options.workers} · ` : ''}` +
      `${options.replica ? "--replica (Agora's reads on a streaming replica of the bench server) · " : ''}` +
      `${options.rounds} × ${options.duration} s rounds ` +
      `(warm-up ${options.warmup} s), ${options.connections} connections · ` +
      `${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}, PostgreSQL ${machine.postgres} (${machine.database})`,
    '',
    `Datasets: ${datasets.map(describeDataset).join('; ')}. ` +
      `Agora peak RSS ${mb(agoraMemory.peakKb)} (sampled max ${mb(agoraMemory.sampledMaxKb)}` +
      `${options.workers > 1 ? ', the largest of the primary and its workers' : ''})` +
      agoraPeaks
        .filter((p) => p.key !== 'agora')
        .map((p) => `, on ${p.key === 'agoraSmall' ? 'small' : 'x10'} ${mb(p.peakKb)}`)
        .join('') +
      '; ' +
      `pool size ${poolSize} for Agora${options.workers > 1 ? ' (per worker)' : ''} and the ceiling. Median req/s over rounds (min–max); p50/p99: medians over rounds.`,
  ];
  const logLines = Object.entries(serverLogs).flatMap(([name, messages]) =>
    Object.entries(messages).map(([message, count]) => `- ${name}: ${count} × ${message}`),
  );
  const replicaNote: string[] = [];
  if (replicaCommits && replicaBefore !== undefined) {
    const agoraRequests = allSeries
      .filter((s) => s.role === 'agora' || s.role === 'fewFollowers')
      .flatMap((s) => [...(s.warmup ? [s.warmup] : []), ...s.rounds])
      .reduce((n, r) => n + r.requests, 0);
    const ran = (await replicaCommits()) - replicaBefore;
    replicaNote.push(
      '## --replica',
      '',
      `Agora answered ${agoraRequests} requests during the load; the replica ran ${ran} transactions ` +
        '(`pg_stat_database.xact_commit` on the replica, its own count; the ceiling reads the primary).',
      '',
    );
    console.log(`  --replica: ${replicaNote[2]}`);
  }
  const notes = [
    ...replicaNote,
    ...(logLines.length > 0
      ? ['## What the servers logged (LOG_LEVEL=warn)', '', ...logLines.slice(0, 20), '']
      : []),
    ...(hot ? hotMarkdown(hot) : []),
    `## EXPLAIN ANALYZE (captured statements, ${explain.dataset})`,
    '',
    `Planning and execution time as \`EXPLAIN (ANALYZE, FORMAT JSON)\` reports them: medians of ${EXPLAIN_RUNS} runs each; ` +
      '`node dist/bench/compare.js before.json after.json` puts two result files side by side.',
    '',
    '| scenario | # | planning ms | execution ms | plan root | seq scans | statement |',
    '| --- | ---: | ---: | ---: | --- | --- | --- |',
    ...explain.statements.map(
      (s) =>
        `| ${s.scenario} | ${s.index} | ${s.planningMs.toFixed(2)} | ${s.executionMs.toFixed(2)} | ${s.root} | ${s.seqScans.join(', ') || '–'} | \`${oneLine(s.sql, 100).replace(/\|/g, '\\|')}\` |`,
    ),
    '',
    `Verdict: ${failed.length === 0 ? 'PASS' : `FAIL (${failed.map((c) => c.name).join('; ')})`}`,
  ];
  const md = markdown({
    title: `Agora bench${options.quick ? ' (--quick)' : ''}${options.workers > 1 ? ` (--workers ${options.workers})` : ''}`,
    preamble,
    summaries,
    checks,
    notes,
  });
  const json = {
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    machine,
    config: {
      ...options,
      poolSize,
      datasets: datasets.map((d) => ({
        name: d.spec.name,
        database: d.spec.database,
        seedCounts: d.spec.counts,
        followedAuthors: d.authors,
        rows: d.counts,
        seeded: d.seeded,
        seedSeconds: d.seedSeconds,
        seededAt: d.seededAt,
        migrated: d.migrated,
      })),
      scenarios: Object.fromEntries(
        [
          ...scenarios.map((s) => ['', s] as const),
          ...smallScenarios.map((s) => [' small', s] as const),
          ...x10Scenarios.map((s) => [' x10', s] as const),
        ].map(([suffix, s]) => [
          `${s.info.id}${s.role === 'fewFollowers' ? ' fewFollowers' : ''}${suffix}`,
          { title: s.info.title, url: s.capture?.url ?? null, ...s.details },
        ]),
      ),
    },
    series: allSeries,
    summaries,
    memory,
    serverLogs,
    explain,
    hot,
    serialize,
    targets: checks,
    passed: failed.length === 0,
  };
  const path = await writeResults(startedAt, json, md);

  console.log(`\n${md}`);
  console.log(`Results: ${path}, bench/results/latest.json, bench/results/latest.md`);
  return failed.length === 0 ? 0 : 1;
}

/** A dataset in the report's preamble: rows, S8's authors, where its seed time comes from. */
function describeDataset(d: Dataset): string {
  const c = d.counts;
  const authors = d.authors
    .map(
      (a) =>
        `${a.username} ${a.followers} followers` +
        (a.followers < a.wanted ? ` (not ${a.wanted}: too few users)` : ''),
    )
    .join(', ');
  const seed =
    d.seedSeconds === null
      ? 'seed time not recorded'
      : `seed ${formatSeconds(d.seedSeconds)}${d.seeded ? ' (this run)' : ` (${d.seededAt ?? 'earlier'}, reused)`}`;
  const migrated = d.migrated
    ? `; migrated in place this run (${d.migrated.names.join(', ')}, ${formatSeconds(d.migrated.seconds)} with VACUUM ANALYZE)`
    : '';
  return (
    `\`${d.spec.database}\` (${c.users} users, ${c.posts} posts, ${c.votes} votes, ` +
    `${c.tagLinks} tag links, ${c.follows} follows, ${c.comments} comments; demo follows ${c.demoFollows}; ` +
    `${authors}; ${seed}${migrated})`
  );
}

function formatSeconds(seconds: number): string {
  return seconds >= 120 ? `${(seconds / 60).toFixed(1)} min` : `${seconds.toFixed(1)} s`;
}

function capturedFor(captured: CapturedRequest[], scenario: ScenarioId): CapturedRequest {
  const found = captured.find((c) => c.scenario === scenario);
  if (!found) throw new Error(`no captured request for ${scenario}`);
  return found;
}

function printExplain(report: ExplainReport): void {
  for (const s of report.statements) {
    console.log(
      `  ${s.scenario}#${s.index} planning ${s.planningMs.toFixed(2).padStart(6)} ms, ` +
        `execution ${s.executionMs.toFixed(2).padStart(8)} ms  ${s.root}` +
        `${s.seqScans.length > 0 ? `  seq scans: ${s.seqScans.join(', ')}` : ''}  ${oneLine(s.sql, 80)}`,
    );
  }
  const verdict =
    report.violations.length === 0
      ? `no Seq Scan on ${GUARDED_TABLES.join(', ')}`
      : report.violations.join('\n  ');
  console.log(`  ${report.enforced ? 'check' : 'report only'}: ${verdict}`);
}

/** The list and sort a cursor of Agora's is bound to: the first value of its signed payload. */
function cursorScope(cursor: string | null): string {
  if (cursor === null)
    throw new Error('ceiling: S1 has a single page, no cursor to learn the scope from');
  const payload = JSON.parse(Buffer.from(cursor.split('.')[0], 'base64url').toString()) as unknown;
  if (!Array.isArray(payload) || typeof payload[0] !== 'string') {
    throw new Error(`ceiling: unexpected cursor payload ${JSON.stringify(payload)}`);
  }
  return payload[0];
}

/**
 * The same requests to Agora and the ceiling: statuses must match, and 200s'
 * JSON exactly (key order aside; the cursors too, signed with the same key).
 */
async function compareAnswers(
  agora: ChildServer,
  ceiling: ChildServer,
  paths: string[],
): Promise<string[]> {
  const differences: string[] = [];
  for (const path of paths) {
    const [a, b] = await Promise.all(
      [agora, ceiling].map(async (server) => {
        const response = await fetch(`${server.url}${path}`);
        const body = await response.json();
        return { status: response.status, body: response.status === 200 ? normalise(body) : null };
      }),
    );
    if (a.status !== b.status || JSON.stringify(a.body) !== JSON.stringify(b.body)) {
      differences.push(
        `${path}: Agora ${a.status}, ceiling ${b.status}${firstDifference(a.body, b.body)}`,
      );
    }
  }
  return differences;
}

/** Sorted keys. */
function normalise(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => normalise(v));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, normalise((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

function firstDifference(a: unknown, b: unknown, path = ''): string {
  if (JSON.stringify(a) === JSON.stringify(b)) return '';
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) {
      const found = firstDifference(
        (a as Record<string, unknown>)[k],
        (b as Record<string, unknown>)[k],
        `${path}.${k}`,
      );
      if (found) return found;
    }
  }
  return ` (at ${path || 'the top'}: ${oneLine(JSON.stringify(a) ?? 'undefined', 60)} vs ${oneLine(JSON.stringify(b) ?? 'undefined', 60)})`;
}

const cleanup = new Cleanup();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping the servers`);
    void cleanup.run().then(() => process.exit(130));
  });
}

let options: BenchOptions;
try {
  options = parseOptions(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(2);
}

main(options, cleanup)
  .then(async (code) => {
    await cleanup.run();
    process.exit(code);
  })
  .catch(async (error: unknown) => {
    console.error('\nbench failed:', error);
    await cleanup.run();
    process.exit(1);
  });
