import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CursorCodec } from '../src/common/paging/cursor.js';
import { Paginator } from '../src/common/paging/paginator.js';
import { defaultSort } from '../src/common/paging/sort.js';
import { FEED_SORT } from '../src/posts/post-sort.js';
import { PostsRepository } from '../src/posts/posts.repository.js';
import { type RegisteredUser, registerUser } from './support/api.js';
import { createTestApp, type TestApp } from './support/app.js';
import { type Query, walkCursor, walkOffset } from './support/lists.js';
import { ownDatabase } from './support/own-database.js';
import { follow } from './support/social.js';

/**
 * The feed page reads the newest posts until it has a page of the caller's
 * followees' (at most 1,000 of them), and otherwise asks each followee for its
 * own first posts. Both walks must give exactly the feed a plain query gives,
 * page after page, and neither may read more posts as posts grow. A database
 * of its own: the walk depends on which posts are newest, so other suites'
 * posts must not come between.
 */
describe('feed walks', () => {
  const own = ownDatabase('agora_feed_walks');
  let t: TestApp;
  /** Follows `active` (a post among every 7 of the newest) and `quiet` (3 posts, older than all others). */
  let reader: RegisteredUser;
  /** Follows `quiet` only. */
  let sparse: RegisteredUser;
  let active: RegisteredUser;
  let quiet: RegisteredUser;
  /** Nobody follows it: 5,000 posts, the newest of all. */
  let noise: RegisteredUser;
  const NOISE = 5000;

  beforeAll(async () => {
    await own.admin(`CREATE DATABASE "${own.name}"`);
    t = await createTestApp({ env: { DATABASE_URL: own.url } });
    [reader, sparse, active, quiet, noise] = [
      await registerUser(t),
      await registerUser(t),
      await registerUser(t),
      await registerUser(t),
      await registerUser(t),
    ];
    await follow(t, reader, active);
    await follow(t, reader, quiet);
    await follow(t, sparse, quiet);
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
    // What autovacuum does after a bulk load: statistics, and the visibility map for index-only walks.
    await t.db.query('VACUUM ANALYZE posts, follows');
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
   * Rows the page statement reads from posts (returned or filtered out, each
   * loop), from EXPLAIN ANALYZE of the statement the feed runs.
   */
  async function postsRead(user: RegisteredUser, offset: number): Promise<number> {
    const list = t.app.get(PostsRepository).feedQuery(defaultSort(FEED_SORT), user.id);
    const paginator = new Paginator(t.app.get(CursorCodec));
    const cut = { keyset: false, take: 21, skip: offset > 0 };
    const { statements, params } = paginator.statementsFor(list, cut);
    const values = statements.page.values({ ...params, __offset: offset });
    const [{ 'QUERY PLAN': plan }]: { 'QUERY PLAN': [{ Plan: PlanNode }] }[] = await t.db.query(
      `EXPLAIN (ANALYZE, FORMAT JSON) ${statements.page.text}`,
      values,
    );
    return rowsOf(plan[0].Plan, 'posts');
  }

  it('reads a bounded number of posts, however few the followees post and however many others do', async () => {
    // The newest 1,000 at most, then the quiet author's own; a walk by date
    // alone read all 5,000 noise posts to reach the quiet author's.
    const read = await postsRead(sparse, 0);
    expect(read).toBeLessThan(2500);
    // The busy feed stops at its page: one post in 7 is the active author's.
    expect(await postsRead(reader, 0)).toBeLessThan(2500);
    // The measure's premise: the noise is there to be read.
    const all: { n: number }[] = await t.db.query(
      'SELECT count(*)::int AS n FROM posts WHERE published',
    );
    expect(all[0].n).toBeGreaterThan(NOISE);
  });
});

interface PlanNode {
  'Relation Name'?: string;
  'Actual Rows': number;
  'Actual Loops': number;
  'Rows Removed by Filter'?: number;
  Plans?: PlanNode[];
}

function rowsOf(node: PlanNode, relation: string): number {
  const own =
    node['Relation Name'] === relation
      ? (node['Actual Rows'] + (node['Rows Removed by Filter'] ?? 0)) * node['Actual Loops']
      : 0;
  return own + (node.Plans ?? []).reduce((sum, child) => sum + rowsOf(child, relation), 0);
}
