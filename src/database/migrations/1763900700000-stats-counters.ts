import type { MigrationInterface, QueryRunner } from 'typeorm';
import {
  commentsCounted,
  COUNTERS_TRUNCATED,
  RECOUNT,
  STATEMENT_EVENTS,
  TAGS_POSTS_COUNTED,
  votesCounted,
} from './1763900600000-bounded-cost.js';

/** Rows per global counter that many writers move at once: the sum is the count. */
const SHARDS = 16;

/** The global counters `GET /api/stats` reads, besides `published_posts`. */
const STATS = ['users', 'published_votes', 'published_comments', 'tags_in_use'] as const;

/**
 * `GET /api/stats` from counters instead of aggregating every table per
 * request (it counted 1M votes joined to their posts):
 *
 * - `counters` rows get a shard: users, votes and comments on published posts
 *   are each spread over 16 rows (by the writer's id), so concurrent writers
 *   rarely wait on one row; a figure is the sum of its rows.
 * - Votes and comments move `published_votes` / `published_comments` when
 *   their post is published, in the same trigger that moves the post's
 *   counters, after it: the post_counters row lock orders them against a
 *   concurrent publish or unpublish, which locks that row before moving the
 *   post's whole count in or out (either the vote sees the new flag, or the
 *   flag change sees the vote). A published post's counts leave before it is
 *   deleted (its votes' and comments' own cascade then finds no post).
 * - `tags_in_use` moves when a tag's count leaves or reaches 0.
 * - The leaders (most used tag, most prolific author, most voted post) walk
 *   indexes over those counters: `ix_tags_posts`, a new
 *   `ix_users_published_posts`, `ix_post_counters_votes`.
 */
export class StatsCounters1763900700000 implements MigrationInterface {
  name = 'StatsCounters1763900700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE counters ADD COLUMN shard smallint NOT NULL DEFAULT 0`);
    await q.query(
      `ALTER TABLE counters DROP CONSTRAINT pk_counters, ADD CONSTRAINT pk_counters PRIMARY KEY (name, shard)`,
    );
    await q.query(
      `INSERT INTO counters (name, shard, value) SELECT n, 0, 0 FROM unnest($1::varchar[]) n`,
      [STATS],
    );

    for (const [event, kind, rows, sign] of STATEMENT_EVENTS) {
      await q.query(publishedMoved('votes', rows, sign));
      await q.query(publishedMoved('comments', rows, sign));
      await q.query(`
        CREATE FUNCTION users_counted_${rows}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          ${addTo("'users'", `SELECT id % ${SHARDS} AS shard, ${sign}COUNT(*) AS n FROM ${rows} GROUP BY 1`)}
          RETURN NULL;
        END $$`);
      await q.query(`
        CREATE TRIGGER tr_users_counted_${rows} AFTER ${event} ON users
          REFERENCING ${kind} TABLE AS ${rows}
          FOR EACH STATEMENT EXECUTE FUNCTION users_counted_${rows}()`);
    }

    // A post published or withdrawn moves its votes and comments in or out; so does deleting it.
    await q.query(`
      CREATE FUNCTION posts_counts_moved() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        sign integer;
        post integer;
        counts record;
      BEGIN
        IF TG_OP = 'DELETE' THEN
          sign := -1;
          post := OLD.id;
        ELSE
          sign := CASE WHEN NEW.published THEN 1 ELSE -1 END;
          post := NEW.id;
        END IF;
        SELECT pc.votes, pc.comments INTO counts
          FROM post_counters pc WHERE pc.post_id = post FOR UPDATE;
        IF counts.votes <> 0 THEN
          UPDATE counters SET value = value + sign * counts.votes
           WHERE name = 'published_votes' AND shard = 0;
        END IF;
        IF counts.comments <> 0 THEN
          UPDATE counters SET value = value + sign * counts.comments
           WHERE name = 'published_comments' AND shard = 0;
        END IF;
        IF TG_OP = 'DELETE' THEN
          RETURN OLD;
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER tr_posts_counts_moved AFTER UPDATE OF published ON posts
        FOR EACH ROW WHEN (OLD.published IS DISTINCT FROM NEW.published)
        EXECUTE FUNCTION posts_counts_moved()`);
    await q.query(`
      CREATE TRIGGER tr_posts_counts_deleted BEFORE DELETE ON posts
        FOR EACH ROW WHEN (OLD.published)
        EXECUTE FUNCTION posts_counts_moved()`);

    await q.query(TAGS_IN_USE_COUNTED);
    await q.query(STATS_TRUNCATED);
    for (const table of ['users', 'tags']) {
      await q.query(
        `CREATE TRIGGER tr_${table}_truncated AFTER TRUNCATE ON ${table}
           FOR EACH STATEMENT EXECUTE FUNCTION counters_truncated()`,
      );
    }

    // The most prolific author, over the counter the publish trigger keeps.
    await q.query(
      `CREATE INDEX ix_users_published_posts ON users (published_posts DESC, id) WHERE published_posts > 0`,
    );

    await q.query(STATS_RECOUNT);
    await q.query(`SELECT agora_recount()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(RECOUNT);
    await q.query(`DROP INDEX ix_users_published_posts`);
    for (const table of ['users', 'tags']) {
      await q.query(`DROP TRIGGER tr_${table}_truncated ON ${table}`);
    }
    await q.query(COUNTERS_TRUNCATED);
    await q.query(TAGS_POSTS_COUNTED);
    await q.query(`DROP TRIGGER tr_posts_counts_deleted ON posts`);
    await q.query(`DROP TRIGGER tr_posts_counts_moved ON posts`);
    await q.query(`DROP FUNCTION posts_counts_moved()`);
    for (const [, , rows, sign] of STATEMENT_EVENTS) {
      await q.query(`DROP TRIGGER tr_users_counted_${rows} ON users`);
      await q.query(`DROP FUNCTION users_counted_${rows}()`);
      await q.query(votesCounted(rows, sign));
      await q.query(commentsCounted(rows, sign));
    }
    await q.query(`DELETE FROM counters WHERE name <> 'published_posts' OR shard <> 0`);
    await q.query(
      `ALTER TABLE counters DROP CONSTRAINT pk_counters, ADD CONSTRAINT pk_counters PRIMARY KEY (name)`,
    );
    await q.query(`ALTER TABLE counters DROP COLUMN shard`);
  }
}

/** Adds each row's `n` of `rows` (shard, n) to the counter `name`, shards locked in order. */
function addTo(name: string, rows: string): string {
  return `INSERT INTO counters AS c (name, shard, value)
            SELECT ${name}, d.shard, d.n FROM (${rows}) d WHERE d.n <> 0 ORDER BY d.shard
          ON CONFLICT (name, shard) DO UPDATE SET value = c.value + EXCLUDED.value;`;
}

/**
 * The votes or comments trigger of migration 1763900600000 (the post's
 * counters first: that row lock orders it against a publish), then the
 * global count of those on published posts, read in a statement of its own
 * so it sees a publish that committed while it waited.
 */
function publishedMoved(table: 'votes' | 'comments', rows: string, sign: string): string {
  const counted = table === 'votes' ? votesCounted(rows, sign) : commentsCounted(rows, sign);
  const writer = table === 'votes' ? 'user_id' : 'author_id';
  const global = addTo(
    `'published_${table}'`,
    `SELECT r.${writer} % ${SHARDS} AS shard, ${sign}COUNT(*) AS n
       FROM ${rows} r JOIN posts p ON p.id = r.post_id AND p.published GROUP BY 1`,
  );
  return counted.replace(/(\n\s*RETURN NULL;)/, (end: string) => `\n      ${global}${end}`);
}

/** Per-tag counts as 1763900600000 keeps them, and the tags in use when one leaves or reaches 0. */
const TAGS_IN_USE_COUNTED = `
  CREATE OR REPLACE FUNCTION tags_posts_counted() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE
    delta integer;
    tag integer;
    after integer;
  BEGIN
    IF TG_OP = 'INSERT' THEN
      delta := NEW.published::int;
      tag := NEW.tag_id;
    ELSIF TG_OP = 'DELETE' THEN
      delta := -OLD.published::int;
      tag := OLD.tag_id;
    ELSE
      delta := NEW.published::int - OLD.published::int;
      tag := NEW.tag_id;
    END IF;
    IF delta <> 0 THEN
      UPDATE tags SET posts = posts + delta WHERE id = tag RETURNING posts INTO after;
      IF after = 0 OR after = delta THEN
        UPDATE counters SET value = value + CASE WHEN after = 0 THEN -1 ELSE 1 END
         WHERE name = 'tags_in_use' AND shard = 0;
      END IF;
    END IF;
    RETURN NULL;
  END $$`;

/** TRUNCATE as 1763900600000 resets it, and the stats' counters. */
const STATS_TRUNCATED = `
  CREATE OR REPLACE FUNCTION counters_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF TG_TABLE_NAME = 'votes' THEN
      UPDATE post_counters SET votes = 0 WHERE votes <> 0;
      UPDATE counters SET value = 0 WHERE name = 'published_votes' AND value <> 0;
    ELSIF TG_TABLE_NAME = 'comments' THEN
      UPDATE post_counters SET comments = 0, threads = 0 WHERE comments <> 0 OR threads <> 0;
      UPDATE counters SET value = 0 WHERE name = 'published_comments' AND value <> 0;
    ELSIF TG_TABLE_NAME = 'posts' THEN
      UPDATE users SET published_posts = 0 WHERE published_posts <> 0;
      UPDATE counters SET value = 0
       WHERE name IN ('published_posts', 'published_votes', 'published_comments') AND value <> 0;
    ELSIF TG_TABLE_NAME = 'follows' THEN
      UPDATE user_counters SET followers = 0, following = 0 WHERE followers <> 0 OR following <> 0;
    ELSIF TG_TABLE_NAME IN ('post_tags', 'tags') THEN
      UPDATE tags SET posts = 0 WHERE posts <> 0;
      UPDATE counters SET value = 0 WHERE name = 'tags_in_use' AND value <> 0;
    ELSIF TG_TABLE_NAME = 'users' THEN
      UPDATE counters SET value = 0 WHERE name = 'users' AND value <> 0;
    END IF;
    RETURN NULL;
  END $$`;

/**
 * (Exported, frozen: a later migration restores it in its down().)
 *
 * agora_recount() as 1763900600000 made it, then the stats' counters: a
 * figure whose rows do not sum to the count is collapsed into its shard 0.
 */
export const STATS_RECOUNT = RECOUNT.replace(
  /\n\s*\$\$\s*$/,
  // A function: in a replacement string, `$$` would stand for a single `$`.
  () => `
    WITH actual (name, n) AS (
      VALUES ('users', (SELECT COUNT(*) FROM users)),
             ('published_votes',
              (SELECT COUNT(*) FROM votes v JOIN posts p ON p.id = v.post_id WHERE p.published)),
             ('published_comments',
              (SELECT COUNT(*) FROM comments c JOIN posts p ON p.id = c.post_id WHERE p.published)),
             ('tags_in_use', (SELECT COUNT(*) FROM tags WHERE posts > 0))
    ), drifted AS (
      SELECT a.name, a.n FROM actual a
       WHERE a.n <> (SELECT COALESCE(SUM(c.value), 0) FROM counters c WHERE c.name = a.name)
    )
    UPDATE counters c SET value = CASE WHEN c.shard = 0 THEN d.n ELSE 0 END
      FROM drifted d WHERE c.name = d.name;
  $$`,
);
