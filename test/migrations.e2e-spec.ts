import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import {
  COUNTER_CHECKS,
  COUNTER_DRIFT_SQL,
  counterDriftSql,
  NO_DRIFT,
} from '../src/database/counter-drift.js';
import { entities } from '../src/database/data-source.js';
import { migrations } from '../src/database/migrations/index.js';
import { ownDatabase } from './support/own-database.js';

/** The migration of issue 18 (bounded cost) and the one before it. */
const BOUNDED_COST = migrations.findIndex((m) => m.name === 'BoundedCost1763900600000');

/** What the feed-counts schema kept, as stored: what the revert must give back. */
const BEFORE_SNAPSHOT = `
  SELECT json_build_object(
    'posts', (SELECT json_agg(json_build_array(id, votes_count, comments_count) ORDER BY id) FROM posts),
    'feeds', (SELECT json_agg(json_build_array(user_id, posts) ORDER BY user_id) FROM feed_counts),
    'users', (SELECT json_agg(json_build_array(id, published_posts) ORDER BY id) FROM users),
    'total', (SELECT value FROM counters WHERE name = 'published_posts')
  ) AS v`;

/**
 * Migration 1763900600000 on a database with rows, both ways: up fills the new
 * counters exactly from the rows, down gives back the schema before it (the
 * per-follower feed counts and the counters on posts) with the same values,
 * and up again works. On a database of its own.
 */
/** A data source on `url` that knows the first `count` migrations. */
function migrationSource(url: string, count: number): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities,
    migrations: migrations.slice(0, count),
    migrationsTableName: 'migrations',
  });
}

describe('migrations', () => {
  const own = ownDatabase('agora_migrations');

  const source = (count: number) => migrationSource(own.url, count);

  beforeAll(async () => {
    await own.admin(`CREATE DATABASE "${own.name}"`);
  });

  afterAll(async () => {
    await own.drop();
  });

  it('1763900600000 (bounded cost) and 1763900700000 (stats) fill their counters from the rows and revert cleanly, to the feed counts', async () => {
    expect(BOUNDED_COST).toBeGreaterThan(0);
    const before = source(BOUNDED_COST);
    await before.initialize();
    let snapshot: unknown;
    try {
      await before.runMigrations();
      await before.query(`
        INSERT INTO users (email, username, password_hash)
        SELECT 'u' || i || '@example.com', 'user' || i, 'h' FROM generate_series(1, 6) i`);
      await before.query(`
        INSERT INTO posts (author_id, title, content, published)
        SELECT 1 + i % 6, 't' || i, 'c', i % 3 <> 0 FROM generate_series(1, 40) i`);
      await before.query(`
        INSERT INTO votes (post_id, user_id)
        SELECT p, u FROM generate_series(1, 40) p, generate_series(1, 6) u WHERE (p + u) % 2 = 0`);
      await before.query(`
        INSERT INTO follows (follower_id, followee_id)
        SELECT a, b FROM generate_series(1, 6) a, generate_series(1, 6) b
         WHERE a <> b AND (a * b) % 3 <> 0`);
      await before.query(`INSERT INTO tags (name) VALUES ('a'), ('b'), ('c')`);
      await before.query(`
        INSERT INTO post_tags (post_id, tag_id)
        SELECT p, t FROM generate_series(1, 40) p, generate_series(1, 3) t WHERE (p * t) % 4 <> 0`);
      await before.query(`
        INSERT INTO comments (post_id, author_id, body)
        SELECT 1 + i % 9, 1, 'x' FROM generate_series(1, 30) i`);
      await before.query(`
        INSERT INTO comments (post_id, author_id, body, parent_id)
        SELECT post_id, 2, 'reply', id FROM comments WHERE id % 2 = 0`);
      snapshot = (await before.query<{ v: unknown }[]>(BEFORE_SNAPSHOT))[0].v;
    } finally {
      await before.destroy();
    }

    const all = source(BOUNDED_COST + 1);
    await all.initialize();
    try {
      await all.runMigrations();
      // The checks of the columns these migrations made (a later one adds post_tags.created_at).
      const { 'post_tags.created_at': _later, ...earlier } = COUNTER_CHECKS;
      const noDrift = Object.fromEntries(Object.keys(earlier).map((name) => [name, 0]));
      expect((await all.query<unknown[]>(counterDriftSql(earlier)))[0]).toEqual(noDrift);
      // Something was counted (the check is not vacuous).
      const [counted] = await all.query<Record<string, number>[]>(
        `SELECT (SELECT SUM(votes + comments + threads) FROM post_counters)::int AS posts,
                (SELECT SUM(followers) FROM user_counters)::int AS follows,
                (SELECT SUM(posts) FROM tags)::int AS tags,
                (SELECT SUM(replies) FROM comments)::int AS replies`,
      );
      expect(Object.values(counted).every((n) => n > 0)).toBe(true);
      expect(await all.query(`SELECT to_regclass('feed_counts') IS NULL AS gone`)).toEqual([
        { gone: true },
      ]);

      await all.undoLastMigration();
      expect((await all.query<{ v: unknown }[]>(BEFORE_SNAPSHOT))[0].v).toEqual(snapshot);
      expect(await all.query(`SELECT to_regclass('post_counters') IS NULL AS gone`)).toEqual([
        { gone: true },
      ]);

      await all.runMigrations();
      expect(await all.query(`SELECT to_regclass('feed_counts') IS NULL AS gone`)).toEqual([
        { gone: true },
      ]);
    } finally {
      await all.destroy();
    }

    // Then every later migration (the stats' counters): exact, and reverting them too.
    const latest = source(migrations.length);
    await latest.initialize();
    try {
      await latest.runMigrations();
      expect((await latest.query<unknown[]>(COUNTER_DRIFT_SQL))[0]).toEqual(NO_DRIFT);
      for (let i = migrations.length; i > BOUNDED_COST + 1; i -= 1) {
        await latest.undoLastMigration();
      }
      expect(await latest.query(`SELECT name FROM counters`)).toEqual([
        { name: 'published_posts' },
      ]);
      await latest.runMigrations();
      expect((await latest.query<unknown[]>(COUNTER_DRIFT_SQL))[0]).toEqual(NO_DRIFT);
      expect(
        await latest.query(
          `SELECT name, SUM(value)::int AS n FROM counters GROUP BY name ORDER BY name`,
        ),
      ).toEqual([
        { name: 'published_comments', n: 30 },
        { name: 'published_posts', n: 27 },
        { name: 'published_votes', n: 81 },
        { name: 'tags_in_use', n: 3 },
        { name: 'users', n: 6 },
      ]);
    } finally {
      await latest.destroy();
    }
  });
});

/** The migration of issue 19 (posts' description and slug). */
const POST_SLUG = migrations.findIndex((m) => m.name === 'PostSlugDescription1764000000000');

/**
 * Migration 1764000000000 on posts that existed before it: up gives each a
 * slug from its title and id (unique, also for equal titles) and no
 * description; down removes the columns, the trigger and the functions; up
 * again gives the same slugs. On a database of its own.
 */
describe('migrations: post slug and description', () => {
  const own = ownDatabase('agora_migrations_slug');

  const source = (count: number, url = own.url) => migrationSource(url, count);

  beforeAll(async () => {
    await own.admin(`CREATE DATABASE "${own.name}"`);
  });

  afterAll(async () => {
    await own.drop();
  });

  const SLUGS = `SELECT json_agg(json_build_array(id, slug, description) ORDER BY id) AS v FROM posts`;
  const SCHEMA = `
    SELECT (SELECT count(*)::int FROM information_schema.columns
             WHERE table_name = 'posts' AND column_name IN ('slug', 'description')) AS columns,
           (SELECT count(*)::int FROM pg_trigger WHERE tgname = 'tr_posts_slug_set') AS triggers,
           (SELECT count(*)::int FROM pg_proc WHERE proname IN ('post_slug', 'posts_slug_set')) AS functions,
           (SELECT count(*)::int FROM pg_constraint WHERE conname = 'uq_posts_slug') AS constraints`;

  it('1764000000000 (post slug and description) fills the slugs of existing posts, reverts cleanly and applies again', async () => {
    expect(POST_SLUG).toBeGreaterThan(0);
    const before = source(POST_SLUG);
    await before.initialize();
    try {
      await before.runMigrations();
      await before.query(
        `INSERT INTO users (email, username, password_hash) VALUES ('a@example.com', 'author', 'h')`,
      );
      await before.query(
        `INSERT INTO posts (author_id, title, content, published)
         SELECT 1, t, 'c', true
           FROM unnest(ARRAY['Hello, World!', 'Hello, World!', 'Crème Brûlée', '???', 'Hello, World!']) t`,
      );
    } finally {
      await before.destroy();
    }

    const all = source(migrations.length);
    await all.initialize();
    try {
      await all.runMigrations();
      const expected = [
        [1, 'hello-world-1', null],
        [2, 'hello-world-2', null],
        [3, 'creme-brulee-3', null],
        [4, '4', null],
        [5, 'hello-world-5', null],
      ];
      expect((await all.query<{ v: unknown }[]>(SLUGS))[0].v).toEqual(expected);
      expect(await all.query(SCHEMA)).toEqual([
        { columns: 2, triggers: 1, functions: 2, constraints: 1 },
      ]);
      // A post written after it gets its slug from the trigger.
      const [inserted] = await all.query<{ id: number; slug: string }[]>(
        `INSERT INTO posts (author_id, title, content) VALUES (1, 'Hello, World!', 'c') RETURNING id, slug`,
      );
      expect(inserted).toEqual({ id: 6, slug: 'hello-world-6' });

      for (let i = migrations.length; i > POST_SLUG; i -= 1) await all.undoLastMigration();
      expect(await all.query(SCHEMA)).toEqual([
        { columns: 0, triggers: 0, functions: 0, constraints: 0 },
      ]);
      expect(await all.query(`SELECT count(*)::int AS n FROM posts`)).toEqual([{ n: 6 }]);

      await all.runMigrations();
      expect((await all.query<{ v: unknown }[]>(SLUGS))[0].v).toEqual([
        ...expected,
        [6, 'hello-world-6', null],
      ]);
    } finally {
      await all.destroy();
    }
  });

  it('works in a SQL_ASCII database too: no accent folding there, but every post gets its slug', async () => {
    const ascii = ownDatabase('agora_migrations_ascii');
    await ascii.admin(
      `CREATE DATABASE "${ascii.name}" ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0`,
    );
    const db = source(migrations.length, ascii.url);
    try {
      await db.initialize();
      await db.runMigrations();
      await db.query(
        `INSERT INTO users (email, username, password_hash) VALUES ('a@example.com', 'author', 'h')`,
      );
      const rows = await db.query<{ id: number; slug: string }[]>(
        `INSERT INTO posts (author_id, title, content)
         SELECT 1, t, 'c' FROM unnest(ARRAY['Plain Title', 'Crème']) t RETURNING id, slug`,
      );
      expect(rows).toEqual([
        { id: 1, slug: 'plain-title-1' },
        { id: 2, slug: 'cr-me-2' },
      ]);
    } finally {
      if (db.isInitialized) await db.destroy();
      await ascii.drop();
    }
  });
});
