import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { prepareDatabase } from '../scripts/seed/database.js';
import { SeedSizeError } from '../scripts/seed/dataset.js';
import {
  DEFAULT_PASSWORD,
  seed,
  SeedRefusedError,
  type SeedOptions,
} from '../scripts/seed/load.js';
import { databaseSettings } from '../src/config/database.config.js';
import { COUNTER_DRIFT_SQL, NO_DRIFT } from '../src/database/counter-drift.js';
import { validateEnv } from '../src/config/env.validation.js';
import { MAX_TAGS_PER_POST } from '../src/tags/tag-name.js';
import { createTestApp } from './support/app.js';
import { ownDatabase } from './support/own-database.js';

const OPTIONS: SeedOptions = {
  users: 40,
  posts: 150,
  votes: 1200,
  tags: 30,
  tagLinks: 400,
  follows: 300,
  comments: 320,
  demoFollows: 15,
  seed: 7,
  reset: false,
  password: DEFAULT_PASSWORD,
};

const EXPECTED_ROWS = {
  users: OPTIONS.users,
  tags: OPTIONS.tags,
  posts: OPTIONS.posts,
  post_tags: OPTIONS.tagLinks,
  votes: OPTIONS.votes,
  follows: OPTIONS.follows,
  comments: OPTIONS.comments,
};

/**
 * Every stored row, in a fixed order, except the password hash (argon2 salts
 * each hash at random): two seeds with the same options must match exactly.
 */
const FINGERPRINT_QUERIES = [
  'SELECT id, email, username, token_version, published_posts, created_at, updated_at FROM users',
  'SELECT * FROM profiles',
  'SELECT id, name, posts FROM tags',
  'SELECT * FROM posts',
  'SELECT post_id, tag_id, published FROM post_tags',
  'SELECT * FROM votes',
  'SELECT * FROM follows',
  'SELECT id, post_id, author_id, parent_id, body, created_at, replies FROM comments',
  'SELECT * FROM counters',
  'SELECT * FROM post_counters',
  'SELECT * FROM user_counters',
];

/**
 * The seed runs against a database of its own on the run's server: it empties
 * every table, which would pull the rug from under the other suites.
 */
describe('npm run db:seed', () => {
  const own = ownDatabase('agora_seed');
  let url: string;
  let db: pg.Client;
  let schemaBefore: string[];

  async function scalar<T>(sql: string): Promise<T> {
    const { rows } = await db.query<{ v: T }>(sql);
    return rows[0].v;
  }

  async function fingerprint(): Promise<string> {
    const parts: string[] = [];
    for (const sql of FINGERPRINT_QUERIES) {
      parts.push(
        await scalar<string>(
          `SELECT md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) AS v FROM (${sql}) t`,
        ),
      );
    }
    return parts.join(':');
  }

  /** Indexes, constraints and triggers with their state: the seed must leave them as it found them. */
  async function schema(): Promise<string[]> {
    const { rows } = await db.query<{ item: string }>(
      `SELECT 'index ' || indexname || ' ' || indexdef AS item FROM pg_indexes WHERE schemaname = 'public'
       UNION ALL
       SELECT 'constraint ' || conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid)
         FROM pg_constraint WHERE connamespace = 'public'::regnamespace
       UNION ALL
       SELECT 'trigger ' || tgname || ' ' || tgenabled::text FROM pg_trigger WHERE NOT tgisinternal
       ORDER BY 1`,
    );
    return rows.map((r) => r.item);
  }

  beforeAll(async () => {
    url = own.url;
    // Creates the database (it does not exist yet) and migrates it, as the CLI does.
    await prepareDatabase(url, databaseSettings(validateEnv(process.env)));
    db = new pg.Client({ connectionString: url });
    await db.connect();
    schemaBefore = await schema();
    await seed(OPTIONS, url);
  });

  afterAll(async () => {
    await db?.end();
    await own.drop();
  });

  it('writes exactly the requested number of rows, and a profile for ~70% of users', async () => {
    for (const [table, rows] of Object.entries(EXPECTED_ROWS)) {
      expect([table, await scalar<number>(`SELECT count(*)::int AS v FROM ${table}`)]).toEqual([
        table,
        rows,
      ]);
    }
    const profiles = await scalar<number>('SELECT count(*)::int AS v FROM profiles');
    expect(profiles).toBeGreaterThanOrEqual(OPTIONS.users * 0.5);
    expect(profiles).toBeLessThanOrEqual(OPTIONS.users * 0.9);
    const drafts = await scalar<number>('SELECT count(*)::int AS v FROM posts WHERE NOT published');
    expect(drafts).toBeLessThan(OPTIONS.posts * 0.15);
  });

  it('makes user #1 the demo user, every user with the one shared password hash', async () => {
    const { rows } = await db.query('SELECT id, username, email FROM users WHERE id = 1');
    expect(rows).toEqual([{ id: 1, username: 'demo', email: 'demo@example.com' }]);
    expect(await scalar('SELECT count(DISTINCT password_hash)::int AS v FROM users')).toBe(1);
    expect(await scalar('SELECT min(password_hash) AS v FROM users')).toMatch(/^\$argon2id\$/);
  });

  it('keeps usernames and emails valid and unique case-insensitively', async () => {
    const { rows } = await db.query<{ username: string; email: string }>(
      'SELECT username, email FROM users',
    );
    for (const { username, email } of rows) {
      expect(username).toMatch(/^[A-Za-z0-9_]{3,30}$/);
      expect(email).toMatch(/^[a-z0-9_]+@[a-z.]+$/);
    }
    expect(new Set(rows.map((r) => r.username.toLowerCase())).size).toBe(rows.length);
    expect(new Set(rows.map((r) => r.email)).size).toBe(rows.length);
  });

  it('links tags, follows and comments by the API rules', async () => {
    expect(
      await scalar(
        'SELECT coalesce(max(n), 0)::int AS v FROM (SELECT count(*) AS n FROM post_tags GROUP BY post_id) t',
      ),
    ).toBeLessThanOrEqual(MAX_TAGS_PER_POST);
    expect(
      await scalar('SELECT count(*)::int AS v FROM follows WHERE follower_id = followee_id'),
    ).toBe(0);
    expect(await scalar('SELECT count(*)::int AS v FROM follows WHERE follower_id = 1')).toBe(
      OPTIONS.demoFollows,
    );
    // Replies answer an older comment of the same post; every comment follows its post.
    expect(
      await scalar(
        `SELECT count(*)::int AS v FROM comments c JOIN comments p ON p.id = c.parent_id
          WHERE p.post_id <> c.post_id OR p.id >= c.id OR p.created_at >= c.created_at`,
      ),
    ).toBe(0);
    expect(
      await scalar(
        `SELECT count(*)::int AS v FROM comments c JOIN posts p ON p.id = c.post_id
          WHERE c.created_at <= p.created_at OR NOT p.published`,
      ),
    ).toBe(0);
    const replies = await scalar<number>(
      'SELECT count(*)::int AS v FROM comments WHERE parent_id IS NOT NULL',
    );
    expect(replies / OPTIONS.comments).toBeGreaterThan(0.2);
    expect(replies / OPTIONS.comments).toBeLessThan(0.4);
    expect(await scalar('SELECT count(*)::int AS v FROM posts WHERE updated_at < created_at')).toBe(
      0,
    );
  });

  it('skews votes: a few posts draw many, and equal counts tie', async () => {
    const { rows } = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM votes GROUP BY post_id ORDER BY 1 DESC',
    );
    const average = OPTIONS.votes / rows.length;
    expect(rows[0].n).toBeGreaterThan(average * 2);
    expect(new Set(rows.map((r) => r.n)).size).toBeLessThan(rows.length);
  });

  it('leaves counters equal to the real counts, and the schema as it was', async () => {
    expect((await db.query(COUNTER_DRIFT_SQL)).rows[0]).toEqual(NO_DRIFT);
    // Triggers back on, indexes and foreign keys rebuilt as the migrations made them.
    expect(await schema()).toEqual(schemaBefore);
  });

  it('writes each post once, its counters with it: no dead copies left behind', async () => {
    // Every page of the table holds live posts. A recount rewriting every row
    // would leave the first half of the table to dead versions (twice the size).
    expect(
      await scalar(
        `SELECT (count(DISTINCT (ctid::text::point)[0]) =
                 pg_relation_size('posts') / current_setting('block_size')::int) AS v FROM posts`,
      ),
    ).toBe(true);
    expect(await scalar(`SELECT count(*) > 0 AS v FROM post_counters WHERE votes > 0`)).toBe(true);
    // And the counter rows were written once each too.
    expect(
      await scalar(
        `SELECT (count(DISTINCT (ctid::text::point)[0]) =
                 pg_relation_size('post_counters') / current_setting('block_size')::int) AS v FROM post_counters`,
      ),
    ).toBe(true);
  });

  it('gives every post its slug from its title and id (the slug trigger stays on during the load)', async () => {
    expect(
      await scalar(
        `SELECT bool_and(slug = post_slug(title, id)) AND count(DISTINCT slug) = count(*) AS v FROM posts`,
      ),
    ).toBe(true);
    expect(await scalar(`SELECT count(*)::int AS v FROM posts WHERE description IS NOT NULL`)).toBe(
      0,
    );
  });

  it('keeps counting through the triggers after the seed', async () => {
    await db.query('BEGIN');
    try {
      await db.query(
        'INSERT INTO votes (post_id, user_id) SELECT 1, id FROM users ORDER BY id DESC LIMIT 1 ON CONFLICT DO NOTHING',
      );
      expect(
        await scalar(
          'SELECT (votes = (SELECT count(*) FROM votes WHERE post_id = 1)) AS v FROM post_counters WHERE post_id = 1',
        ),
      ).toBe(true);
    } finally {
      await db.query('ROLLBACK');
    }
  });

  it('produces the same data for the same seed, and different data for another', async () => {
    const first = await fingerprint();
    await seed({ ...OPTIONS, reset: true }, url);
    expect(await fingerprint()).toBe(first);
    await seed({ ...OPTIONS, reset: true, seed: OPTIONS.seed + 1 }, url);
    expect(await fingerprint()).not.toBe(first);
    await seed({ ...OPTIONS, reset: true }, url);
    expect(await fingerprint()).toBe(first);
  });

  it('refuses a database that already has users unless asked to reset it', async () => {
    const before = await fingerprint();
    await expect(seed({ ...OPTIONS, seed: 99 }, url)).rejects.toThrow(SeedRefusedError);
    await expect(seed({ ...OPTIONS, seed: 99 }, url)).rejects.toThrow(/--reset/);
    expect(await fingerprint()).toBe(before);
  });

  it('refuses impossible sizes before touching the database', async () => {
    const before = await fingerprint();
    await expect(
      seed({ ...OPTIONS, reset: true, votes: OPTIONS.users * OPTIONS.posts + 1 }, url),
    ).rejects.toThrow(SeedSizeError);
    await expect(seed({ ...OPTIONS, reset: true, users: 0 }, url)).rejects.toThrow(SeedSizeError);
    expect(await fingerprint()).toBe(before);
  });

  it('rolls everything back when the load fails halfway', async () => {
    const before = await fingerprint();
    const failing = {
      tableStarted: (table: string) => {
        if (table === 'votes') throw new Error('interrupted');
      },
    };
    await expect(seed({ ...OPTIONS, reset: true, seed: 99 }, url, failing)).rejects.toThrow(
      'interrupted',
    );
    expect(await fingerprint()).toBe(before);
    expect(await schema()).toEqual(schemaBefore);
  });

  it('lets the demo user (and any seeded user) sign in through the API', async () => {
    const t = await createTestApp({ env: { DATABASE_URL: url } });
    try {
      const res = await t
        .http()
        .post('/api/auth/login')
        .send({ username: 'demo', password: DEFAULT_PASSWORD })
        .expect(200);
      expect(typeof res.body.accessToken).toBe('string');
      const me = await t
        .http()
        .get('/api/users/me')
        .set('Authorization', `Bearer ${res.body.accessToken}`)
        .expect(200);
      expect(me.body.username).toBe('demo');

      const other = await scalar<string>('SELECT email AS v FROM users WHERE id = 2');
      await t
        .http()
        .post('/api/auth/login')
        .send({ username: other, password: DEFAULT_PASSWORD })
        .expect(200);
      await t
        .http()
        .post('/api/auth/login')
        .send({ username: 'demo', password: 'not-the-password' })
        .expect(401);
    } finally {
      await t.close();
    }
  });
});
