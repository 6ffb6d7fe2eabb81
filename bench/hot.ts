import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { withClient } from './database.js';

/**
 * What the vote scenario (S7) does to the tables: how many of the counter
 * table's row updates were HOT (heap-only: no index touched, the row rewritten
 * in its own page), and how the indexes of `posts` and of the counter table
 * grew. The per-post counters live in `post_counters` once the bounded-cost
 * migration has run, in `posts` before it.
 */
export interface TableStats {
  table: string;
  /** pg_stat_user_tables.n_tup_upd, n_tup_hot_upd (cumulative since the statistics were reset). */
  updates: number;
  hotUpdates: number;
  /** pg_indexes_size(table), bytes. */
  indexBytes: number;
  tableBytes: number;
}

export interface StatsSnapshot {
  at: string;
  counterTable: string;
  tables: TableStats[];
}

export interface HotFigures {
  counterTable: string;
  /** Completed S7 requests (warm-ups included): each adds or takes back one vote. */
  requests: number;
  before: StatsSnapshot;
  after: StatsSnapshot;
  /** After minus before, per table (posts, and the counter table when it is another). */
  delta: {
    table: string;
    updates: number;
    hotUpdates: number;
    /** hotUpdates / updates; null without updates. */
    hotShare: number | null;
    indexBytesBefore: number;
    indexBytesAfter: number;
  }[];
  /** One line for the console. */
  summary: string;
}

/** `post_counters` when the schema has it, else `posts` (votes_count, comments_count). */
export async function counterTable(url: string): Promise<'post_counters' | 'posts'> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ found: string | null }>(
      `SELECT to_regclass('public.post_counters')::text AS found`,
    );
    return rows[0].found ? 'post_counters' : 'posts';
  });
}

export async function statsSnapshot(url: string, counter: string): Promise<StatsSnapshot> {
  return withClient(url, async (client) => ({
    at: new Date().toISOString(),
    counterTable: counter,
    tables: await readStats(client, [...new Set(['posts', counter])]),
  }));
}

async function readStats(client: pg.Client, tables: string[]): Promise<TableStats[]> {
  // A fresh view of the shared statistics, not the one cached for this transaction.
  await client.query('SELECT pg_stat_clear_snapshot()');
  const { rows } = await client.query<TableStats>(
    `SELECT s.relname AS table,
            s.n_tup_upd::float8 AS updates, s.n_tup_hot_upd::float8 AS "hotUpdates",
            pg_indexes_size(s.relid)::float8 AS "indexBytes",
            pg_table_size(s.relid)::float8 AS "tableBytes"
       FROM pg_stat_user_tables s
      WHERE s.schemaname = 'public' AND s.relname = ANY($1)
      ORDER BY array_position($1, s.relname::text)`,
    [tables],
  );
  return rows;
}

/**
 * The figures after S7. Agora's connections flush their statistics at most
 * once a second while busy, and an idle one only after 10 s (PostgreSQL 15
 * and later): this waits until the counter table shows at least one update
 * per successful S7 request (each adds or takes back one vote), or until its
 * count has not moved for 12 s, 45 s at most.
 */
export async function hotFigures(
  url: string,
  before: StatsSnapshot,
  requests: number,
  succeeded: number,
): Promise<HotFigures> {
  const counter = before.counterTable;
  const tables = before.tables.map((t) => t.table);
  const startUpdates = before.tables.find((t) => t.table === counter)?.updates ?? 0;
  const after = await withClient(url, async (client) => {
    await client.query('SELECT pg_stat_force_next_flush()').catch(() => undefined);
    let last = -1;
    let stableSince = Date.now();
    let stats: TableStats[] = [];
    for (const started = Date.now(); Date.now() - started < 45_000; await sleep(500)) {
      stats = await readStats(client, tables);
      const updates = stats.find((t) => t.table === counter)?.updates ?? 0;
      if (updates - startUpdates >= succeeded) break;
      if (updates !== last) stableSince = Date.now();
      else if (Date.now() - stableSince >= 12_000) break;
      last = updates;
    }
    return { at: new Date().toISOString(), counterTable: counter, tables: stats };
  });
  const delta = tables.map((table) => {
    const b = before.tables.find((t) => t.table === table);
    const a = after.tables.find((t) => t.table === table);
    const updates = (a?.updates ?? 0) - (b?.updates ?? 0);
    const hotUpdates = (a?.hotUpdates ?? 0) - (b?.hotUpdates ?? 0);
    return {
      table,
      updates,
      hotUpdates,
      hotShare: updates > 0 ? Math.round((hotUpdates / updates) * 1000) / 1000 : null,
      indexBytesBefore: b?.indexBytes ?? 0,
      indexBytesAfter: a?.indexBytes ?? 0,
    };
  });
  const mine = delta.find((d) => d.table === counter);
  const summary =
    `S7 on ${counter}: ${mine?.updates ?? 0} updates for ${requests} requests, ` +
    `${mine?.hotUpdates ?? 0} HOT (${mine?.hotShare === null || !mine ? 'n/a' : `${(mine.hotShare * 100).toFixed(1)}%`}); ` +
    delta
      .map((d) => `${d.table} indexes ${mib(d.indexBytesBefore)} → ${mib(d.indexBytesAfter)}`)
      .join(', ');
  return { counterTable: counter, requests, before, after, delta, summary };
}

/** Bytes as MiB, or KiB below one MiB (index growth is often a few pages). */
export function mib(bytes: number): string {
  return Math.abs(bytes) >= 2 ** 20
    ? `${(bytes / 2 ** 20).toFixed(2)} MiB`
    : `${(bytes / 1024).toFixed(0)} KiB`;
}

/** The report's section on S7's updates. */
export function hotMarkdown(hot: HotFigures): string[] {
  return [
    `## S7's updates: HOT and index growth (counters in \`${hot.counterTable}\`)`,
    '',
    `${hot.requests} S7 requests completed (warm-ups included), each one vote added or taken back. ` +
      'n_tup_upd and n_tup_hot_upd from pg_stat_user_tables, index sizes from pg_indexes_size, before the first S7 run and after the last.',
    '',
    '| table | updates | HOT updates | HOT share | indexes before | indexes after | growth |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...hot.delta.map(
      (d) =>
        `| ${d.table}${d.table === hot.counterTable ? ' (counters)' : ''} | ${d.updates} | ${d.hotUpdates} | ` +
        `${d.hotShare === null ? '–' : `${(d.hotShare * 100).toFixed(1)}%`} | ${mib(d.indexBytesBefore)} | ` +
        `${mib(d.indexBytesAfter)} | ${mib(d.indexBytesAfter - d.indexBytesBefore)} |`,
    ),
    '',
  ];
}
