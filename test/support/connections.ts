import http from 'node:http';

/**
 * HTTP over connections a test controls, for Agora running as a cluster
 * (WORKERS > 1): the primary hands each new TCP connection to one worker,
 * which serves every request on it until it closes. A request on a fresh
 * connection may land on any worker; a request on a pinned connection lands
 * on the worker whose `/health` answered on that same connection.
 */

export interface WireResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body as JSON when it parses, else undefined. */
  body: Record<string, unknown> | undefined;
  /** The client's port of the TCP connection that carried the request. */
  localPort: number;
}

export interface WireRequest {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  json?: unknown;
  /** Gives up (the promise rejects with a TimeoutError) after this long. */
  timeoutMs?: number;
}

function send(
  base: string,
  agent: http.Agent | false,
  request: WireRequest,
): Promise<WireResponse> {
  const body = request.json === undefined ? undefined : JSON.stringify(request.json);
  return new Promise((resolve, reject) => {
    const req = http.request(
      new URL(request.path, base),
      {
        method: request.method ?? 'GET',
        agent,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...request.headers,
        },
        signal: AbortSignal.timeout(request.timeoutMs ?? 20_000),
      },
      (res) => {
        const chunks: Buffer[] = [];
        const localPort = res.socket.localPort ?? 0;
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: Record<string, unknown> | undefined;
          try {
            parsed = JSON.parse(text) as Record<string, unknown>;
          } catch {
            parsed = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed, localPort });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** One request on a connection of its own, closed after it. */
export function onFreshConnection(base: string, request: WireRequest): Promise<WireResponse> {
  return send(base, false, request);
}

/** The worker that answered `/health` (its `worker` field), on a fresh connection. */
export async function workerOfFreshConnection(base: string): Promise<number> {
  const res = await onFreshConnection(base, { path: '/health' });
  if (res.status !== 200 || typeof res.body?.worker !== 'number') {
    throw new Error(`/health answered ${res.status} ${JSON.stringify(res.body)}`);
  }
  return res.body.worker;
}

/** A keep-alive connection to one worker; every request goes over that one connection. */
export class PinnedConnection {
  private constructor(
    private readonly base: string,
    private readonly agent: http.Agent,
    /** The client's port of the pinned connection. */
    readonly port: number,
    /** The worker serving this connection (from `/health` on it). */
    readonly worker: number,
  ) {}

  static async open(base: string): Promise<PinnedConnection> {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const health = await send(base, agent, { path: '/health' });
    if (typeof health.body?.worker !== 'number') {
      agent.destroy();
      throw new Error(`/health answered ${health.status} ${JSON.stringify(health.body)}`);
    }
    return new PinnedConnection(base, agent, health.localPort, health.body.worker);
  }

  /**
   * Sends on the pinned connection. Throws when the request went out on
   * another connection (the server had closed this one): its worker is unknown.
   */
  async request(request: WireRequest): Promise<WireResponse> {
    const res = await send(this.base, this.agent, request);
    if (res.localPort !== this.port) {
      throw new Error(`the connection to worker ${this.worker} was closed; a new one was opened`);
    }
    return res;
  }

  /**
   * Sends on the pinned connection if it is still open, else on a new one (the
   * agent opens it): `localPort` of the response tells which.
   */
  send(request: WireRequest): Promise<WireResponse> {
    return send(this.base, this.agent, request);
  }

  close(): void {
    this.agent.destroy();
  }
}

/**
 * `perWorker` pinned connections to each of `workers` distinct workers,
 * opening new connections until every worker has its share (extras closed).
 */
export async function connectionsToEachWorker(
  base: string,
  workers: number,
  perWorker = 1,
): Promise<PinnedConnection[][]> {
  const byWorker = new Map<number, PinnedConnection[]>();
  const full = () =>
    byWorker.size === workers && [...byWorker.values()].every((c) => c.length >= perWorker);
  for (let attempt = 0; !full() && attempt < workers * perWorker * 10; attempt += 1) {
    const connection = await PinnedConnection.open(base);
    const list = byWorker.get(connection.worker) ?? [];
    if (list.length < perWorker && (byWorker.has(connection.worker) || byWorker.size < workers)) {
      list.push(connection);
      byWorker.set(connection.worker, list);
    } else {
      connection.close();
    }
  }
  if (!full()) {
    for (const list of byWorker.values()) for (const c of list) c.close();
    throw new Error(`could not reach ${workers} workers with ${perWorker} connections each`);
  }
  return [...byWorker.values()];
}
