import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { queryOnce, type ReplicatedPostgres } from './replication.js';

// The scale scenarios (issue 20, (a)–(e)) against Agora instances at base
// URLs (`http://127.0.0.1:port`), over plain HTTP: test/replicas.e2e-spec.ts
// runs them small on in-process instances, `npm run drill:scale` at full size
// on production builds. Each returns its figures; the callers assert on them.

export interface Answer {
  status: number;
  body: unknown;
}

/**
 * GETs that met a network error (no HTTP answer: a reset keep-alive socket)
 * and were sent once more, as HTTP lets a client repeat an idempotent request.
 * Reported with the figures; a write is never repeated (its failure counts).
 */
export const transport = { retriedReads: 0 };

export async function call(
  base: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const send = () =>
    fetch(`${base}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  let res: Response;
  try {
    res = await send();
  } catch (error) {
    if (method !== 'GET') throw error;
    transport.retriedReads += 1;
    res = await send();
  }
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    // not JSON: kept as text
  }
  return { status: res.status, body };
}

export interface SignedIn {
  id: number;
  username: string;
  password: string;
  token: string;
}

/** Registers through `base` and logs in through `loginAt` (another instance, by default the same). */
export async function signUp(base: string, loginAt = base): Promise<SignedIn> {
  const username = `s${randomBytes(6).toString('hex')}`;
  const password = 'scale drill password';
  const created = await call(base, 'POST', '/api/users', {
    body: { email: `${username}@example.com`, username, password },
  });
  if (created.status !== 201) throw new Error(`registration answered ${created.status}`);
  const login = await call(loginAt, 'POST', '/api/auth/login', { body: { username, password } });
  if (login.status !== 200) throw new Error(`login answered ${login.status}`);
  return {
    id: (created.body as { id: number }).id,
    username,
    password,
    token: (login.body as { accessToken: string }).accessToken,
  };
}

interface ReplicaHealth {
  replica: number;
  state: 'up' | 'lagging' | 'down';
  lagMs: number | null;
}

/** Polls `base`'s /health until its first replica is in `state`. */
export async function replicaBecomes(
  base: string,
  state: ReplicaHealth['state'],
  timeoutMs = 30_000,
): Promise<ReplicaHealth> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    const res = await call(base, 'GET', '/health');
    last = res.body;
    const replica = (res.body as { replicas?: ReplicaHealth[] }).replicas?.[0];
    if (replica?.state === state) return replica;
    if (Date.now() > deadline) {
      throw new Error(`${base}/health never showed the replica ${state}: ${JSON.stringify(last)}`);
    }
    await sleep(20);
  }
}

/**
 * Polls `base`'s /health until its monitor knows the replica to have replayed
 * everything the primary had at `since` (a Date.now() of this machine): up,
 * with `now - lagMs` past it. From then on, that instance sends to the
 * replica the reads of a user whose last write came before `since`.
 */
export async function replicaPast(base: string, since: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await call(base, 'GET', '/health');
    const replica = (res.body as { replicas?: ReplicaHealth[] }).replicas?.[0];
    if (replica?.state === 'up' && replica.lagMs !== null && Date.now() - replica.lagMs > since)
      return;
    if (Date.now() > deadline) {
      throw new Error(
        `${base}/health never showed the replica past ${since}: ${JSON.stringify(res.body)}`,
      );
    }
    await sleep(20);
  }
}

export interface ReadYourWritesFigures {
  pairs: number;
  /** Pairs whose write was made while the replica's replay was paused. */
  whilePaused: number;
  /** Reads that showed their write (the single post and the author's list). */
  seen: number;
  missed: number;
  nonOk: number;
}

/**
 * (a) One signed-in client writes a post through one instance and at once
 * reads it through the other (the post, and the author's list, whose first
 * item must be it), `pairs` times, the instances swapping roles each time;
 * the replica's replay is paused for alternate blocks of `block` pairs.
 */
export async function readYourWrites(
  instances: [string, string],
  cluster: Pick<ReplicatedPostgres, 'pauseReplay' | 'resumeReplay'>,
  pairs: number,
  block = 10,
): Promise<ReadYourWritesFigures> {
  const user = await signUp(instances[0], instances[1]);
  const figures: ReadYourWritesFigures = { pairs, whilePaused: 0, seen: 0, missed: 0, nonOk: 0 };
  let paused = false;
  try {
    for (let i = 0; i < pairs; i++) {
      const pause = Math.floor(i / block) % 2 === 0;
      if (pause !== paused) {
        await (pause ? cluster.pauseReplay() : cluster.resumeReplay());
        paused = pause;
      }
      if (paused) figures.whilePaused += 1;
      const [writer, reader] = i % 2 === 0 ? instances : [instances[1], instances[0]];
      const title = `read your writes ${i} ${randomBytes(3).toString('hex')}`;
      const created = await call(writer, 'POST', '/api/posts', {
        token: user.token,
        body: { title, content: 'written, then read elsewhere at once', published: true },
      });
      if (created.status !== 201) {
        figures.nonOk += 1;
        continue;
      }
      const id = (created.body as { id: number }).id;
      const [one, list] = await Promise.all([
        call(reader, 'GET', `/api/posts/${id}`, { token: user.token }),
        call(reader, 'GET', `/api/posts?author=${user.id}&limit=1`, { token: user.token }),
      ]);
      for (const res of [one, list]) if (res.status !== 200) figures.nonOk += 1;
      const sawOne = one.status === 200 && (one.body as { title?: string }).title === title;
      const first = (list.body as { data?: { id: number }[] }).data?.[0];
      const sawList = list.status === 200 && first?.id === id;
      figures.seen += Number(sawOne) + Number(sawList);
      figures.missed += Number(!sawOne) + Number(!sawList);
    }
  } finally {
    if (paused) await cluster.resumeReplay();
  }
  return figures;
}

export interface LagFigures {
  /** Anonymous reads while the replica was paused past the lag bound. */
  reads: number;
  nonOk: number;
  /** Of those, reads that showed the post written after the pause (only the primary had it). */
  fresh: number;
  /** The replica's lag /health reported when the reads began. */
  lagMs: number | null;
}

/**
 * (b) The replica's replay is paused and a post is written: once `reader`'s
 * monitor finds the replica further behind than its lag bound (its /health
 * says `lagging`), `reads` anonymous reads of that post through `reader`
 * must all answer it, which only the primary can.
 */
export async function lagBound(
  writer: string,
  reader: string,
  cluster: Pick<ReplicatedPostgres, 'pauseReplay' | 'resumeReplay'>,
  reads: number,
): Promise<LagFigures> {
  const user = await signUp(writer);
  await cluster.pauseReplay();
  try {
    const created = await call(writer, 'POST', '/api/posts', {
      token: user.token,
      body: { title: 'after the pause', content: 'only the primary has this', published: true },
    });
    if (created.status !== 201) throw new Error(`POST /api/posts answered ${created.status}`);
    const id = (created.body as { id: number }).id;
    const health = await replicaBecomes(reader, 'lagging');
    const figures: LagFigures = { reads, nonOk: 0, fresh: 0, lagMs: health.lagMs };
    for (let i = 0; i < reads; i += 10) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(10, reads - i) }, (_, j) =>
          j % 2 === 0
            ? call(reader, 'GET', `/api/posts/${id}`)
            : call(reader, 'GET', `/api/posts?author=${user.id}&limit=1`),
        ),
      );
      for (const res of batch) {
        if (res.status !== 200) figures.nonOk += 1;
        const body = res.body as { id?: number; data?: { id: number }[] };
        if (body.id === id || body.data?.[0]?.id === id) figures.fresh += 1;
      }
    }
    return figures;
  } finally {
    await cluster.resumeReplay();
  }
}

export interface OutageFigures {
  requests: number;
  nonOk: number;
  statuses: Record<string, number>;
  acknowledgedWrites: number;
  lostWrites: number;
  /** /health states the instances went through (down seen, up again). */
  sawDown: boolean;
  /** GETs sent again after a network error (see `transport`). */
  retriedReads: number;
}

/**
 * (c) Load on both instances (signed-in writers and readers, anonymous
 * readers) while the replica is stopped, stays down until both instances'
 * monitors see it, and is started again, until both see it up. Then every
 * acknowledged post must be on the primary.
 */
export async function replicaRestart(
  instances: [string, string],
  cluster: Pick<ReplicatedPostgres, 'replica'>,
  primaryUrl: string,
  clients: number,
  downForMs = 0,
): Promise<OutageFigures> {
  const users = await Promise.all(
    Array.from({ length: clients }, (_, i) => signUp(instances[i % 2], instances[(i + 1) % 2])),
  );
  const figures: OutageFigures = {
    requests: 0,
    nonOk: 0,
    statuses: {},
    acknowledgedWrites: 0,
    lostWrites: 0,
    sawDown: false,
    retriedReads: 0,
  };
  const retriedBefore = transport.retriedReads;
  const acknowledged: number[] = [];
  let running = true;
  const note = (res: Answer) => {
    figures.requests += 1;
    figures.statuses[res.status] = (figures.statuses[res.status] ?? 0) + 1;
    if (res.status < 200 || res.status > 299) figures.nonOk += 1;
  };
  const load = users.map(async (user, i) => {
    for (let n = 0; running; n++) {
      const base = instances[(i + n) % 2];
      if (n % 3 === 0) {
        const res = await call(base, 'POST', '/api/posts', {
          token: user.token,
          body: { title: `under load ${i} ${n}`, content: 'kept?', published: true },
        }).catch(() => ({ status: 0, body: undefined }));
        note(res);
        if (res.status === 201) acknowledged.push((res.body as { id: number }).id);
      } else {
        const token = n % 3 === 1 ? user.token : undefined;
        const path = n % 2 === 0 ? '/api/posts?limit=5' : `/api/posts?author=${user.id}&limit=5`;
        note(
          await call(base, 'GET', path, { token }).catch(() => ({ status: 0, body: undefined })),
        );
      }
    }
  });
  try {
    await sleep(300);
    await cluster.replica.stop();
    await Promise.all(instances.map((base) => replicaBecomes(base, 'down')));
    figures.sawDown = true;
    if (downForMs > 0) await sleep(downForMs);
    await cluster.replica.start();
    await Promise.all(instances.map((base) => replicaBecomes(base, 'up')));
    await sleep(300);
  } finally {
    running = false;
    await Promise.all(load);
  }
  figures.acknowledgedWrites = acknowledged.length;
  figures.retriedReads = transport.retriedReads - retriedBefore;
  const client = new pg.Client({ connectionString: primaryUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM posts WHERE id = ANY($1::int[])',
      [acknowledged],
    );
    figures.lostWrites = acknowledged.length - rows[0].n;
  } finally {
    await client.end();
  }
  return figures;
}

export interface LoginLimitFigures {
  /** Failed logins answered 401 before the limit, through either instance. */
  failuresBeforeLimit: number;
  limit: number;
  /** Statuses of the attempts past the limit, one through each instance. */
  afterLimit: number[];
}

/** (d) Wrong passwords for one account, alternating between the instances, until 429. */
export async function loginLimit(
  instances: [string, string],
  limit: number,
): Promise<LoginLimitFigures> {
  const user = await signUp(instances[0]);
  let failures = 0;
  for (let i = 0; i < limit * 3; i++) {
    const res = await call(instances[i % 2], 'POST', '/api/auth/login', {
      body: { username: user.username, password: 'not the password' },
    });
    if (res.status === 429) break;
    if (res.status === 401) failures += 1;
  }
  const afterLimit = await Promise.all(
    instances.map(
      async (base) =>
        (
          await call(base, 'POST', '/api/auth/login', {
            body: { username: user.username, password: user.password },
          })
        ).status,
    ),
  );
  return { failuresBeforeLimit: failures, limit, afterLimit };
}

export interface StatementFigures {
  requests: number;
  nonOk: number;
  /** Calls of the list's page statement, per server, during the requests (pg_stat_statements). */
  primaryCalls: number;
  replicaCalls: number;
}

/**
 * (e) `requests` reads of the post list (anonymous and signed-in, through
 * every instance given), counting the calls of statements over posts on each
 * server with pg_stat_statements (reset first on both).
 */
export async function statementCounts(
  instances: string[],
  servers: { primary: string; replica: string },
  requests: number,
  token?: string,
): Promise<StatementFigures> {
  await Promise.all(
    Object.values(servers).map((url) => queryOnce(url, 'SELECT pg_stat_statements_reset()')),
  );
  // The signed-in caller's last write (a login) is behind us: once each instance
  // knows the replica past now, its reads may go there too.
  if (token) {
    const now = Date.now();
    await Promise.all(instances.map((base) => replicaPast(base, now)));
  }
  let nonOk = 0;
  for (let i = 0; i < requests; i += 10) {
    const answers = await Promise.all(
      Array.from({ length: Math.min(10, requests - i) }, (_, j) =>
        call(instances[(i + j) % instances.length], 'GET', `/api/posts?limit=${3 + (j % 2)}`, {
          token: j % 2 === 0 ? token : undefined,
        }),
      ),
    );
    nonOk += answers.filter((res) => res.status !== 200).length;
  }
  const calls = async (url: string) => {
    const rows = await queryOnce<{ calls: number }>(
      url,
      `SELECT COALESCE(SUM(calls), 0)::int AS calls FROM pg_stat_statements
        WHERE query LIKE '%FROM "posts" "p"%'`,
    );
    return rows[0].calls;
  };
  return {
    requests,
    nonOk,
    primaryCalls: await calls(servers.primary),
    replicaCalls: await calls(servers.replica),
  };
}
