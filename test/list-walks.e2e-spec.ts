import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ListQuery } from '../src/common/paging/paginator.js';
import pg from 'pg';
import { defaultSort, parseSort } from '../src/common/paging/sort.js';
import { plannerOptions } from '../src/database/planner-settings.js';
import { FEED_SORT, POST_SORT } from '../src/posts/post-sort.js';
import { PostsRepository } from '../src/posts/posts.repository.js';
import { type RegisteredUser, registerUser } from './support/api.js';
import { createTestApp, type TestApp } from './support/app.js';
import { type PlanNode, pageRowsRead, pageStatement } from './support/explain.js';
import { type PostPage, type Query, totalOf, walkCursor, walkOffset } from './support/lists.js';
import { ownDatabase } from './support/own-database.js';
import { follow } from './support/social.js';

/**
 * Lists that walk something other than all posts by date, to read only their
 * page: the feed reads the newest posts until it has a page of the caller's
 * followees' (at most 1,000 of them), and otherwise asks each followee for its
 * own first posts; a tag filter by date walks the tag's links in date order.
 * Each must give exactly the list a plain query gives, page after page, and
 * none may read more posts as posts grow. A database of its own: the walks
 * depend on which posts are newest, so other suites' posts must not come
 * between.
 */
describe('list walks', () => {
  const own = ownDatabase('agora_feed_walks');
  let t: TestApp;
  /**
   * Follows `active` (a post among every 7 of the newest), `quiet` (3 posts,
   * older than all others) and the 40 bystanders.
   */
  let reader: RegisteredUser;
  /** Follows `quiet` only. */
  let sparse: RegisteredUser;
  /** Follows `noise` (5,000 posts), `active` and the bystanders: a feed past the total's cap. */
  let crowd: RegisteredUser;
  let active: RegisteredUser;
  let quiet: RegisteredUser;
  /** Nobody follows it: 5,000 posts, the newest of all. */
  let noise: RegisteredUser;
  const NOISE = 5000;
  /**
   * Users who never post. Followed by `reader` and `crowd`, whose feeds then
   * have more followees than the repository's FEW_KEYS (32): theirs walk the
   * newest posts first, `sparse`'s asks its one followee alone.
   */
  const BYSTANDERS = 40;

  beforeAll(async () => {
    await own.admin(`CREATE DATABASE "${own.name}"`);
    t = await createTestApp({ env: { DATABASE_URL: own.url } });
    [reader, sparse, active, quiet, noise, crowd] = [
      await registerUser(t),
      await registerUser(t),
      await registerUser(t),
      await registerUser(t),
      await registerUser(t),
      await registerUser(t),
    ];
    await follow(t, reader, active);
    await follow(t, reader, quiet);
    await follow(t, sparse, quiet);
    await follow(t, crowd, noise);
    await follow(t, crowd, active);
    await t.db.query(
      `INSERT INTO users (email, username, password_hash)
       SELECT 'bystander' || i || '@walks.test', 'bystander_' || i, 'none' FROM generate_series(1, $1::int) i`,
      [BYSTANDERS],
    );
    await t.db.query(
      `INSERT INTO follows (follower_id, followee_id)
       SELECT f, u.id FROM users u CROSS JOIN unnest($1::int[]) f WHERE u.username LIKE 'bystander\\_%'`,
      [[reader.id, crowd.id]],
    );
    // In transactions of 500 rows: the published-post counters are updated once
    // per row at commit, and a row updated n times in one transaction costs n².
    const insert = async (
      author: number,
      title: string,
      seconds: string,
      count: number,
      published = true,
    ) => {
      for (let from = 0; from < count; from += 500) {
        await t.db.query(
          `INSERT INTO posts (author_id, title, content, published, created_at)
           SELECT $1, $2 || ' ' || i, 'text', $3, timestamptz '2020-01-01' + (${seconds}) * interval '1 second'
             FROM generate_series($4::int, $5::int - 1) i`,
          [author, title, published, from, Math.min(count, from + 500)],
        );
      }
    };
    await insert(noise.id, 'noise', 'i', NOISE);
    // Among the newest posts (every 7th second), with two in the same second as a noise post.
    await insert(active.id, 'active', `${NOISE} - 1 - 7 * i`, 300);
    await insert(active.id, 'active draft', `${NOISE} - 4 - 7 * i`, 50, false);
    await insert(quiet.id, 'quiet', '-1000 - i', 3);
    // Tags: "old" on the quiet author's posts only, "busy" on every 5th active post and
    // the newest quiet one, "both" on every 10th active post.
    await t.db.query(`INSERT INTO tags (name) VALUES ('old'), ('busy'), ('both'), ('vintage')`);
    // "vintage" on the oldest 1,500 noise posts: a large tag, all of it older than 3,800 posts.
    for (let from = 0; from < 1500; from += 500) {
      await t.db.query(
        `INSERT INTO post_tags (post_id, tag_id)
         SELECT p.id, (SELECT id FROM tags WHERE name = 'vintage') FROM posts p
          WHERE p.author_id = $1 AND split_part(p.title, ' ', 2)::int BETWEEN $2 AND $2 + 499`,
        [noise.id, from],
      );
    }
    await t.db.query(
      `INSERT INTO post_tags (post_id, tag_id)
       SELECT p.id, t.id FROM posts p JOIN tags t ON
              (t.name = 'old' AND p.author_id = $1)
           OR (t.name = 'busy' AND (p.author_id = $2 AND p.id % 5 = 0 OR p.title = 'quiet 0'))
           OR (t.name IN ('both', 'busy') AND p.author_id = $2 AND p.id % 10 = 0)
       ON CONFLICT DO NOTHING`,
      [quiet.id, active.id],
    );
    // What autovacuum does after a bulk load: statistics, and the visibility map for index-only walks.
    await t.db.query('VACUUM ANALYZE posts, follows, post_tags, tags');
  });

  afterAll(async () => {
    await t?.close();
    await own.drop();
  });

  /** The feed as a plain query: every followee's published post, in the order asked. */
  async function expected(user: RegisteredUser, ascending: boolean): Promise<number[]> {
    const dir = ascending ? 'ASC' : 'DESC';
    const rows: { id: number }[] = await t.db.query(
      `SELECT p.id FROM posts p
        WHERE p.published AND p.author_id IN (SELECT followee_id FROM follows WHERE follower_id = $1)
        ORDER BY p.created_at ${dir}, p.id ${dir}`,
      [user.id],
    );
    return rows.map((r) => r.id);
  }

  const feed = (user: RegisteredUser, query: Query) =>
    t.http().get('/api/feed').query(query).set(user.auth);

  it.each([
    ['newest first', {}, false],
    ['oldest first', { sort: 'createdAt' }, true],
  ])(
    'pages by cursor and by offset give the plain query’s feed, %s, for a busy and a quiet feed',
    async (_, sort: Query, ascending) => {
      for (const user of [reader, sparse]) {
        const want = await expected(user, ascending);
        expect(want.length).toBe(user === reader ? 303 : 3);
        const byCursor = await walkCursor<{ id: number }>(
          (cursor) => feed(user, { ...sort, limit: 40, ...(cursor === null ? {} : { cursor }) }),
          { limit: 40, total: want.length },
        );
        expect(byCursor.map((p) => p.id)).toEqual(want);
        const byOffset = await walkOffset<{ id: number }>(
          (offset) => feed(user, { ...sort, limit: 100, offset }),
          { limit: 100, total: want.length },
        );
        expect(byOffset.map((p) => p.id)).toEqual(want);
      }
    },
  );

  /**
   * How PostgreSQL planned 12 runs of these statements (taken in turn, one
   * text) as one named statement on a connection of its own, as Agora runs
   * them: how many runs it planned for their values, how many took the
   * generic plan.
   */
  async function plansOf(
    runs: { text: string; values: unknown[] }[],
  ): Promise<{ custom: number; generic: number }> {
    const client = new pg.Client({ connectionString: own.url, options: plannerOptions() });
    await client.connect();
    try {
      for (let i = 0; i < 12; i++) {
        const { text, values } = runs[i % runs.length];
        await client.query({ name: 'planned', text, values });
      }
      const { rows } = await client.query<{ generic: string; custom: string }>(
        `SELECT generic_plans AS generic, custom_plans AS custom
           FROM pg_prepared_statements WHERE name = 'planned'`,
      );
      return { custom: Number(rows[0].custom), generic: Number(rows[0].generic) };
    } finally {
      await client.end();
    }
  }

  /** Rows the page statement of `list` reads from posts (see pageRowsRead). */
  const postsRead = (list: ListQuery, total = false) =>
    pageRowsRead(t, list, 'posts', { counted: !total });

  const feedOf = (user: RegisteredUser) =>
    t.app.get(PostsRepository).feedQuery(defaultSort(FEED_SORT), user.id);

  it('the feed reads a bounded number of posts, however few the followees post and however many others do', async () => {
    // One followee: its own 3 posts (and the page's rows), not the newest
    // 1,000 posts first (1,000 probes of follows for none of them), nor all
    // 5,000 noise posts, as a walk by date alone read to reach the quiet author's.
    expect(await postsRead(feedOf(sparse))).toBeLessThan(50);
    // 42 followees: the busy feed walks the newest posts and stops at its page:
    // one post in 7 is the active author's, so about 150 posts (and 21 rows of
    // the page), not the 1,000 of the walk's bound, which a bound read first as
    // the 1,000th post's key did read.
    const busy = await postsRead(feedOf(reader));
    expect(busy).toBeGreaterThan(100);
    expect(busy).toBeLessThan(400);
    // The measure's premise: the noise is there to be read.
    const all: { n: number }[] = await t.db.query(
      'SELECT count(*)::int AS n FROM posts WHERE published',
    );
    expect(all[0].n).toBeGreaterThan(NOISE);
  });

  it('favourites of a user with few votes come from the votes, not from a walk of the newest posts', async () => {
    await t.db.query(
      `INSERT INTO votes (post_id, user_id) SELECT p.id, $1 FROM posts p WHERE p.author_id = $2`,
      [sparse.id, quiet.id],
    );
    try {
      const favourites = t.app
        .get(PostsRepository)
        .listQuery({ votedBy: sparse.username, sort: defaultSort(POST_SORT) }, undefined);
      // The 3 voted posts and the page's rows: the walk of the newest posts
      // read 1,000 of them first, with a probe of votes each.
      expect(await postsRead(favourites, true)).toBeLessThan(50);
      const page = await t
        .http()
        .get('/conduit/api/articles')
        .query({ favorited: sparse.username })
        .expect(200);
      // The quiet author's posts, newest first.
      expect((page.body as { articles: { title: string }[] }).articles.map((a) => a.title)).toEqual(
        ['quiet 0', 'quiet 1', 'quiet 2'],
      );
    } finally {
      await t.db.query('DELETE FROM votes WHERE user_id = $1', [sparse.id]);
    }
  });

  it('the feed’s total comes from the followees’ counters: exact below 1,000, capped past it, reading no posts', async () => {
    const totals = async (user: RegisteredUser) =>
      totalOf(((await feed(user, {}).expect(200)).body as PostPage).meta);
    // 300 published posts and 3 (the active author's 50 drafts are not in the feed), then 5,300.
    expect(await totals(reader)).toEqual({ total: 303, totalExact: true });
    expect(await totals(sparse)).toEqual({ total: 3, totalExact: true });
    expect(await totals(crowd)).toEqual({ total: 1000, totalExact: false });
    // The page statement with its total reads as many posts as without it: a
    // walk of the followees' posts read 1,000 more for `crowd`.
    for (const user of [crowd, reader, sparse]) {
      expect(await postsRead(feedOf(user))).toBe(await postsRead(feedOf(user), true));
    }
  });

  it('the feed runs one statement that PostgreSQL plans once, whoever asks', async () => {
    const runs = [reader, sparse, crowd].map((user) => pageStatement(t, feedOf(user)));
    expect(new Set(runs.map((run) => run.text)).size).toBe(1);
    // As a named statement on a connection of its own, as Agora runs it, for
    // the caller with one followee: the first five runs planned for their
    // values, then the generic plan. With the caller bound plainly, a plan made
    // for the caller's value (one follows row) looked cheaper than the generic
    // one, and all 12 runs were planned (on the bench's 1% dataset, 0.6 ms of
    // planning per request).
    expect(await plansOf([runs[1]])).toEqual({ custom: 5, generic: 7 });
  });

  it('an author’s list by date runs one statement that PostgreSQL plans once, whoever the author', async () => {
    const posts = t.app.get(PostsRepository);
    const byAuthor = (author: RegisteredUser, viewer: RegisteredUser | undefined) =>
      pageStatement(
        t,
        posts.listQuery({ author: { id: author.id }, sort: defaultSort(POST_SORT) }, viewer?.id),
        { counted: false },
      );
    // Anonymous, another user's (published posts alone), the author's own (drafts too).
    for (const viewer of [undefined, reader, quiet]) {
      const runs = [byAuthor(quiet, viewer), byAuthor(active, viewer)];
      if (viewer !== quiet) expect(runs[0].text).toBe(runs[1].text);
      // With the author's id bound plainly, every run was planned for it.
      expect(await plansOf([runs[0]])).toEqual({ custom: 5, generic: 7 });
    }
  });

  /** A tag-filtered list as a plain query, in the order asked. */
  async function tagged(tags: string[], search: string | undefined, ascending: boolean) {
    const dir = ascending ? 'ASC' : 'DESC';
    const rows: { id: number }[] = await t.db.query(
      `SELECT p.id FROM posts p
        WHERE p.published
          AND (SELECT count(*) FROM post_tags pt JOIN tags g ON g.id = pt.tag_id
                WHERE pt.post_id = p.id AND g.name = ANY($1)) = cardinality($1)
          AND ($2::text IS NULL OR lower(p.title) LIKE '%' || $2 || '%' OR lower(p.content) LIKE '%' || $2 || '%')
        ORDER BY p.created_at ${dir}, p.id ${dir}`,
      [tags, search ?? null],
    );
    return rows.map((r) => r.id);
  }

  it.each([
    [['old'], undefined],
    [['busy'], undefined],
    [['busy'], 'active 1'],
    // 111 matches among the tag's 1,500 posts, the newest of them its 700th
    // newest: past the first walk's 500 links, so newest first takes the
    // trigram walk; oldest first finds its pages among the first links.
    [['vintage'], 'noise 7'],
    // Under 3 characters (no trigram): the tag's walk with the match as a filter.
    [['vintage'], '99'],
    [['busy', 'both'], undefined],
    [['both', 'busy'], 'active'],
  ])(
    'a list by tag %j (search %j) walks the tag’s links to the plain query’s list, either way, by cursor and by offset',
    async (tags: string[], search: string | undefined) => {
      for (const ascending of [false, true]) {
        const want = await tagged(tags, search, ascending);
        expect(want.length).toBeGreaterThan(2);
        const query: Query = {
          tag: tags,
          ...(search === undefined ? {} : { search }),
          ...(ascending ? { sort: 'createdAt' } : {}),
        };
        const total = search === undefined ? want.length : null;
        const byCursor = await walkCursor<{ id: number }>(
          (cursor) =>
            t
              .http()
              .get('/api/posts')
              .query({ ...query, limit: 7, ...(cursor === null ? {} : { cursor }) }),
          { limit: 7, total },
        );
        expect(byCursor.map((p) => p.id)).toEqual(want);
        const byOffset = await walkOffset<{ id: number }>(
          (offset) =>
            t
              .http()
              .get('/api/posts')
              .query({ ...query, limit: 7, offset }),
          { limit: 7, total },
        );
        expect(byOffset.map((p) => p.id)).toEqual(want);
      }
    },
  );

  it('a tag and a search run one statement that PostgreSQL plans once, whatever the tag and the word', async () => {
    const posts = t.app.get(PostsRepository);
    const ids: { id: number; name: string }[] = await t.db.query(
      `SELECT id, name FROM tags WHERE name IN ('busy', 'vintage', 'old')`,
    );
    const id = (name: string) => ids.find((row) => row.name === name)!.id;
    const page = (tag: string, search: string) =>
      pageStatement(
        t,
        posts.listQuery(
          { tag: [tag], search, sort: parseSort('-createdAt', POST_SORT) },
          undefined,
          [id(tag)],
        ),
        { counted: false },
      );
    // A word on many of a tag's newest posts, one past the first walk, one in no post at all.
    const runs = [page('busy', 'active 1'), page('vintage', 'noise 7'), page('old', 'nowhere')];
    expect(new Set(runs.map((run) => run.text)).size).toBe(1);
    // The values reach only the InitPlans that read them: planned for each
    // run's values (as an unnamed statement is), no other node of the plan
    // holds one, so a plan made once fits them all. Bound as plain parameters,
    // the pattern sat in the walk's filter, and on the bench's data PostgreSQL
    // planned every run anew.
    for (const { text, values } of runs) {
      const rows: { 'QUERY PLAN': [{ Plan: PlanNode }] }[] = await t.db.query(
        `EXPLAIN (COSTS OFF, FORMAT JSON) ${text}`,
        values,
      );
      const nodes = outsideInitPlans(rows[0]['QUERY PLAN'][0].Plan).join('\n');
      expect(nodes).toContain('post_tags');
      for (const value of values) expect(nodes).not.toContain(`'${String(value)}'`);
    }
    // As a named statement on a connection of its own, as Agora runs it.
    // PostgreSQL plans the first five runs for their values, then settles on
    // the generic plan when it costs no more than those: with the values in
    // the plan (the pattern as a bound parameter), every run was planned.
    expect(await plansOf(runs)).toEqual({ custom: 5, generic: 7 });
  });

  it('a list by tag reads its page, however old the tag’s posts and however many newer posts there are', async () => {
    const posts = t.app.get(PostsRepository);
    const tagId = async (name: string) =>
      (await t.db.query<{ id: number }[]>(`SELECT id FROM tags WHERE name = $1`, [name]))[0].id;
    const list = (name: string, id: number) =>
      posts.listQuery({ tag: [name], sort: parseSort('-createdAt', POST_SORT) }, undefined, [id]);
    // A large tag (1,500 posts) older than 3,800 others: walking every post by
    // date and probing the tag, as PostgreSQL chose for a tag that large, read
    // those 3,800 before the first match.
    expect(await postsRead(list('vintage', await tagId('vintage')), true)).toBeLessThan(100);
    // A small one: 3 posts, older than all others.
    expect(await postsRead(list('old', await tagId('old')), true)).toBeLessThan(100);
  });
});

/** Each node of a plan outside its InitPlans, without its children, as JSON. */
function outsideInitPlans(node: PlanNode & { 'Parent Relationship'?: string }): string[] {
  if (node['Parent Relationship'] === 'InitPlan') return [];
  const { Plans, ...own } = node;
  return [JSON.stringify(own), ...(Plans ?? []).flatMap(outsideInitPlans)];
}
