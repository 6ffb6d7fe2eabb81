/**
 * How long turning a 20-post page of rows into response objects takes: the
 * plain mapper Agora uses (`PostResponse.from`), and for reference the same
 * shape through class-transformer (`plainToInstance` + `instanceToPlain`, what
 * ClassSerializerInterceptor would do). Runs inside `npm run bench`, or alone:
 * `node dist/bench/serialize.js`.
 */
import 'reflect-metadata';
import { instanceToPlain, plainToInstance } from 'class-transformer';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { PostResponse } from '../src/posts/post.response.js';
import type { PostRow } from '../src/posts/post.row.js';
import { median, round } from './load.js';

export interface SerializeResult {
  /** Median over batches, µs per 20-post page (the target's measure). */
  mapperMicros: number;
  classTransformerMicros: number;
  /** The fastest batch: what the code costs when nothing else wants the CPU. */
  mapperMinMicros: number;
  classTransformerMinMicros: number;
  batches: number;
  rowsPerPage: number;
}

const WORDS =
  'the of engine analytical pattern weave algebra note loom card number bernoulli table operation variable result machine store mill punch design'.split(
    ' ',
  );

function text(words: number, seed: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(WORDS[(seed * 7 + i * 13) % WORDS.length]);
  return out.join(' ');
}

/** 20 rows like the read model's: ~60-char titles, ~1 kB bodies, 0–4 tags, some display names. */
export function samplePage(): PostRow[] {
  const base = Date.UTC(2025, 0, 1);
  return Array.from({ length: 20 }, (_, i) => ({
    id: 100_000 - i,
    title: text(9, i),
    description: i % 2 === 0 ? null : text(20, i + 1),
    content: text(160, i + 3),
    published: true,
    createdAt: new Date(base + i * 3_600_000),
    updatedAt: new Date(base + i * 3_600_000 + 60_000),
    authorId: 1 + ((i * 37) % 10_000),
    authorUsername: `user_${(i * 37) % 10_000}`,
    authorDisplayName: i % 3 === 0 ? null : `User ${i}`,
    votes: (i * 17) % 120,
    comments: (i * 5) % 30,
    voted: false,
    tags: ['engines', 'math', 'history', 'notes'].slice(0, i % 5),
  }));
}

/** µs per call of fn: batches of a calibrated size (~40 ms each), after a warm-up; median and fastest. */
function time(fn: () => number, batches: number): { median: number; min: number } {
  let sink = 0;
  let iterations = 1;
  // Warm-up doubles as calibration: grow the batch until it takes 40 ms.
  for (;;) {
    const start = performance.now();
    for (let i = 0; i < iterations; i++) sink += fn();
    const elapsed = performance.now() - start;
    if (elapsed > 40) break;
    iterations *= 2;
  }
  const perCall: number[] = [];
  for (let b = 0; b < batches; b++) {
    const start = performance.now();
    for (let i = 0; i < iterations; i++) sink += fn();
    perCall.push(((performance.now() - start) * 1000) / iterations);
  }
  if (sink === -1) console.log(sink); // keeps the work observable
  return { median: round(median(perCall), 2), min: round(Math.min(...perCall), 2) };
}

export function runSerializeBench(batches = 15): SerializeResult {
  const rows = samplePage();
  const mapper = () => rows.map((row) => PostResponse.from(row)).length;
  // class-transformer starts from the response shape itself: it only has to copy it.
  const shaped = rows.map((row) => PostResponse.from(row));
  const viaClassTransformer = () =>
    (instanceToPlain(plainToInstance(PostResponse, shaped)) as unknown[]).length;
  const mapped = time(mapper, batches);
  const transformed = time(viaClassTransformer, batches);
  return {
    mapperMicros: mapped.median,
    classTransformerMicros: transformed.median,
    mapperMinMicros: mapped.min,
    classTransformerMinMicros: transformed.min,
    batches,
    rowsPerPage: rows.length,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = runSerializeBench();
  console.log(
    `PostResponse.from: ${result.mapperMicros} µs per ${result.rowsPerPage}-post page; ` +
      `class-transformer: ${result.classTransformerMicros} µs (median of ${result.batches} batches; ` +
      `fastest ${result.mapperMinMicros} / ${result.classTransformerMinMicros} µs)`,
  );
}
