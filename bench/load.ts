import autocannon from 'autocannon';

/** What to send: one fixed request, a per-request generator, or per-connection sequences. */
export interface LoadPlan {
  path?: string;
  method?: autocannon.Request['method'];
  headers?: Record<string, string>;
  requests?: autocannon.Request[];
  setupClient?: (client: autocannon.Client) => void;
}

export interface RoundResult {
  /** Completed responses per second over the round. */
  rps: number;
  /** Latency percentiles, ms. */
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  /** Connection errors, timeouts included. */
  errors: number;
  timeouts: number;
  /** Responses per status code. */
  statuses: Record<string, number>;
  seconds: number;
  /** How long the requests still running when the round ended took to finish (set by the caller). */
  drainMs: number;
  /** The server's largest resident set sampled during the round, kB (set by the caller). */
  serverRssKb: number | null;
  /**
   * CPU per completed request, ms, of the server's processes and of
   * PostgreSQL's (bench/cpu.ts; set by the caller; null where not readable).
   */
  cpu: { serverMs: number | null; databaseMs: number | null };
}

/**
 * One autocannon run against baseUrl. Latencies are kept per response (autocannon's
 * own histogram rounds them to whole milliseconds, too coarse for the p50 ratios).
 */
export async function runLoad(
  baseUrl: string,
  plan: LoadPlan,
  options: { connections: number; duration: number },
): Promise<RoundResult> {
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${baseUrl}${plan.path ?? '/'}`,
        connections: options.connections,
        duration: options.duration,
        method: plan.method ?? 'GET',
        headers: plan.headers,
        requests: plan.requests,
        setupClient: plan.setupClient,
        timeout: 10,
      },
      (error: unknown, done: autocannon.Result) => {
        if (error) reject(error instanceof Error ? error : new Error(JSON.stringify(error)));
        else resolve(done);
      },
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => {
      latencies.push(responseTime);
    });
  });
  const statuses: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) {
    statuses[code] = stat.count ?? 0;
  }
  const seconds = result.duration > 0 ? result.duration : options.duration;
  latencies.sort((a, b) => a - b);
  return {
    rps: round(result.requests.total / seconds, 1),
    p50: round(percentile(latencies, 0.5), 2),
    p99: round(percentile(latencies, 0.99), 2),
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statuses,
    seconds,
    drainMs: 0,
    serverRssKb: null,
    cpu: { serverMs: null, databaseMs: null },
  };
}

/** Nearest-rank percentile of sorted values; NaN when there are none. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
