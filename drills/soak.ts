/**
 * Mixed-load soak (`npm run drill:soak`): 60 s of reads and writes from 50
 * signed-in clients against Agora's production build. It passes when no
 * answer was 5xx (or missing), every acknowledged write is stored, and every
 * count the API shows (a post's votes and comments, a user's posts, followers
 * and following, a feed's total, a tag's posts, /api/stats) equals a direct
 * SQL count.
 *
 *   npm run drill:soak [-- --duration 60 --clients 50]
 */
import {
  Ledger,
  Recorder,
  client,
  numberFlag,
  runDrill,
  openDrillDatabase,
  seeded,
  signUp,
  sleep,
  startDrillAgora,
  verifyCounters,
  verifyLedger,
  withDirect,
  writeDrillResult,
  type Session,
} from './harness.js';

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const seconds = numberFlag(argv, 'duration', 60);
  const clients = numberFlag(argv, 'clients', 50);

  const db = await openDrillDatabase();
  console.log(`==> soak: ${db.kind} PostgreSQL, ${clients} clients, ${seconds} s`);
  const agora = await startDrillAgora(db.url);
  const recorder = new Recorder(agora.url, 30_000);
  const failures: string[] = [];
  let result: Record<string, unknown> | undefined;
  try {
    const sessions = await signUp(recorder, clients, 'soak');
    const ledger = new Ledger();
    const random = seeded(424242);
    const started = Date.now();
    let stop = false;
    const load = Promise.all(
      sessions.map((me) => client(recorder, me, sessions, ledger, () => stop, random)),
    );
    await sleep(seconds * 1000);
    stop = true;
    await load;
    const loadSeconds = (Date.now() - started) / 1000;
    const load5xx = recorder.outcomes.filter((o) => o.status >= 500 || o.status === 0);
    // Sign-ups are not the soak's traffic; the counts compared after it are not either.
    if (load5xx.length > 0) {
      failures.push(
        `${load5xx.length} answers were 5xx or missing: ${JSON.stringify(load5xx.slice(0, 3))}`,
      );
    }
    const loadRequests = recorder.outcomes.filter((o) => o.at >= started).length;

    failures.push(...(await verifyLedger(db.directUrl, ledger)));
    failures.push(...(await verifyCounters(db.directUrl)));
    const compared = await compareCounts(recorder, db.directUrl, sessions, [...ledger.posts]);
    failures.push(...compared.mismatches);

    result = {
      finishedAt: new Date().toISOString(),
      database: db.kind,
      clients,
      seconds: Math.round(loadSeconds),
      requests: loadRequests,
      requestsPerSecond: Math.round(loadRequests / loadSeconds),
      statuses: recorder.tally(started, started + loadSeconds * 1000),
      acknowledgedWrites: ledger.acknowledged,
      countsCompared: compared.compared,
      failures,
      passed: failures.length === 0,
    };
  } finally {
    await agora.stop();
    await db.close();
  }
  console.log(JSON.stringify(result, null, 2));
  // Only a full-length run becomes the recorded result the README quotes.
  if (seconds >= 60 && clients >= 50) {
    console.log(
      `\nwritten to ${await writeDrillResult(`soak-${String(result?.database)}`, result)}`,
    );
  }
  console.log(failures.length === 0 ? 'soak: PASS' : `soak: FAIL\n- ${failures.join('\n- ')}`);
  return failures.length === 0 ? 0 : 1;
}

/** Every count the API shows for the drill's posts, users, feeds and tags, against SQL. */
async function compareCounts(
  recorder: Recorder,
  url: string,
  sessions: Session[],
  postIds: number[],
): Promise<{ compared: number; mismatches: string[] }> {
  const mismatches: string[] = [];
  let compared = 0;
  const same = (what: string, api: unknown, sql: unknown) => {
    compared += 1;
    if (api !== sql) mismatches.push(`${what}: API ${String(api)}, SQL ${String(sql)}`);
  };
  const get = async (path: string, token?: string) => {
    const r = await recorder.send('check', 'GET', path, { token });
    if (r.status !== 200) throw new Error(`GET ${path} answered ${r.status}`);
    return r.body as Record<string, unknown>;
  };
  await withDirect(url, async (sql) => {
    const posts = await sql.query<{ id: number; votes: number; comments: number }>(
      `SELECT p.id, (SELECT count(*)::int FROM votes v WHERE v.post_id = p.id) AS votes,
              (SELECT count(*)::int FROM comments c WHERE c.post_id = p.id) AS comments
         FROM posts p WHERE p.id = ANY($1)`,
      [postIds],
    );
    for (const row of posts.rows) {
      const post = await get(`/api/posts/${row.id}`);
      same(`post ${row.id} votes`, post.votes, row.votes);
      same(`post ${row.id} comments`, post.comments, row.comments);
    }
    const users = await sql.query<{
      id: number;
      posts: number;
      followers: number;
      following: number;
      feed: number;
    }>(
      `SELECT u.id,
              (SELECT count(*)::int FROM posts p WHERE p.author_id = u.id AND p.published) AS posts,
              (SELECT count(*)::int FROM follows f WHERE f.followee_id = u.id) AS followers,
              (SELECT count(*)::int FROM follows f WHERE f.follower_id = u.id) AS following,
              (SELECT count(*)::int FROM posts p JOIN follows f ON f.followee_id = p.author_id
                WHERE f.follower_id = u.id AND p.published) AS feed
         FROM users u WHERE u.id = ANY($1)`,
      [sessions.map((s) => s.userId)],
    );
    for (const row of users.rows) {
      const user = await get(`/api/users/${row.id}`);
      const counts = user.counts as Record<string, unknown>;
      same(`user ${row.id} posts`, counts.posts, row.posts);
      same(`user ${row.id} followers`, counts.followers, row.followers);
      same(`user ${row.id} following`, counts.following, row.following);
      const session = sessions.find((s) => s.userId === row.id);
      const feed = await get('/api/feed?limit=1', session?.token);
      same(`feed of ${row.id} total`, (feed.meta as Record<string, unknown>).total, row.feed);
    }
    const tags = await sql.query<{ name: string; posts: number }>(
      `SELECT t.name, count(*)::int AS posts FROM tags t
         JOIN post_tags pt ON pt.tag_id = t.id JOIN posts p ON p.id = pt.post_id AND p.published
        GROUP BY t.name`,
    );
    for (const row of tags.rows) {
      const tag = await get(`/api/tags/${row.name}`);
      same(`tag ${row.name} posts`, tag.posts, row.posts);
    }
    const totals = await sql.query<Record<string, number>>(
      `SELECT (SELECT count(*)::int FROM users) AS users,
              (SELECT count(*)::int FROM posts WHERE published) AS posts,
              (SELECT count(*)::int FROM votes) AS votes,
              (SELECT count(*)::int FROM comments) AS comments`,
    );
    const stats = await get('/api/stats');
    for (const [key, value] of Object.entries(totals.rows[0]))
      same(`stats ${key}`, stats[key], value);
  });
  return { compared, mismatches };
}

runDrill(main);
