import v8 from 'node:v8';

/**
 * How far V8 lets the old generation grow past what its last full collection
 * kept alive, in percent: 50 lets a 45 MB live heap reach about 70 MB before
 * the next full collection.
 *
 * V8 picks that factor itself, up to 4× on a machine with a large heap limit,
 * and under the bench's load Agora's old generation grew to 140 MB of mostly
 * garbage (the request objects that outlive two scavenges). Peak RSS was 290 MB
 * on Node 20 and, with Node 24's young generation four times as large, 440 MB.
 * At 50 %, the full collections that keep it near 70 MB cost about 15 ms of
 * CPU per second of full load (measured on the bench, Node 20 and 24).
 */
export const HEAP_GROWING_PERCENT = 50;

/**
 * Sets V8's `--heap-growing-percent` for this process, unless its command line
 * or NODE_OPTIONS set it already. V8 reads the flag at each full collection,
 * so setting it after startup takes effect (unlike the heap's size limits,
 * such as `--max-semi-space-size`, which only the command line can set).
 * Returns whether it was set here.
 */
export function limitHeapGrowth(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string = process.env.NODE_OPTIONS ?? '',
): boolean {
  const given = [...execArgv, ...nodeOptions.split(/\s+/)].some((arg) =>
    /^--heap[-_]growing[-_]percent\b/.test(arg),
  );
  if (given) return false;
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  return true;
}
