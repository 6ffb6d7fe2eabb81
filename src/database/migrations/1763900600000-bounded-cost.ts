import type { MigrationInterface, QueryRunner } from 'typeorm';
import { FeedCounts1763900500000 } from './1763900500000-feed-counts.js';

/**
 * Bounded cost (issue 18): every total a list shows exactly comes from a
 * counter the database keeps, and no write's cost grows with the data.
 *
 * - `feed_counts` goes, with its fan-out: publishing wrote one row per
 *   follower. The feed's total is now a capped count (the paginator's).
 * - Votes and comments no longer rewrite `posts`: their per-post counts live
 *   in the narrow `post_counters` (one row per post, made by a trigger on
 *   posts), so a vote touches a 40-byte row and its small indexes instead of a
 *   posts row and every index of posts (the two trigram GIN indexes included).
 *   `threads` counts a post's top-level comments, `comments.replies` a
 *   comment's direct replies: the totals of the comment lists.
 * - `user_counters`: followers and following per user, kept by triggers on
 *   follows, locked in user id order so that A following B while B follows A
 *   cannot deadlock.
 * - `tags.posts`: the published posts carrying the tag. `post_tags.published`
 *   copies its post's flag (set on insert, moved with the post), so each link
 *   row's own change says how the count moves: +1, -1 or nothing, also for the
 *   links a cascade deletes after their post is gone. Applied at commit
 *   (deferred), like `users.published_posts`, so a popular tag's row is locked
 *   only for the commit.
 *
 * `agora_recount()` recomputes every counter from the rows, writing only those
 * that drifted; TRUNCATE resets what the emptied table counted.
 */
export class BoundedCost1763900600000 implements MigrationInterface {
  name = 'BoundedCost1763900600000';

  async up(q: QueryRunner): Promise<void> {
    // 1. No fan-out to followers.
    for (const rows of ['inserted', 'deleted']) {
      await q.query(`DROP TRIGGER tr_feed_counts_follows_${rows} ON follows`);
      await q.query(`DROP FUNCTION feed_counts_follows_${rows}()`);
    }
    await q.query(`DROP TRIGGER tr_feed_counts_user_deleted ON users`);
    await q.query(`DROP FUNCTION feed_counts_user_deleted()`);
    await q.query(PUBLISHED_COUNTED);
    await q.query(`DROP TABLE feed_counts`);

    // 2. Per-post counters, off the posts table.
    await q.query(`
      CREATE TABLE post_counters (
        post_id integer NOT NULL,
        votes integer NOT NULL DEFAULT 0,
        comments integer NOT NULL DEFAULT 0,
        threads integer NOT NULL DEFAULT 0,
        CONSTRAINT pk_post_counters PRIMARY KEY (post_id),
        CONSTRAINT fk_post_counters_post FOREIGN KEY (post_id) REFERENCES posts (id) ON DELETE CASCADE
      ) WITH (fillfactor = 80)`);
    await q.query(`
      INSERT INTO post_counters (post_id, votes, comments, threads)
      SELECT p.id, p.votes_count, p.comments_count,
             (SELECT COUNT(*) FROM comments c WHERE c.post_id = p.id AND c.parent_id IS NULL)
        FROM posts p`);
    await q.query(`ALTER TABLE comments ADD COLUMN replies integer NOT NULL DEFAULT 0`);
    await q.query(`
      UPDATE comments c SET replies = r.n
        FROM (SELECT parent_id, COUNT(*)::int AS n FROM comments
               WHERE parent_id IS NOT NULL GROUP BY parent_id) r
       WHERE c.id = r.parent_id`);
    await q.query(`
      CREATE FUNCTION post_counters_posts_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO post_counters (post_id) SELECT id FROM inserted;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER tr_post_counters_posts_inserted AFTER INSERT ON posts
        REFERENCING NEW TABLE AS inserted
        FOR EACH STATEMENT EXECUTE FUNCTION post_counters_posts_inserted()`);
    for (const [, , rows, sign] of STATEMENT_EVENTS) {
      await q.query(votesCounted(rows, sign));
      await q.query(commentsCounted(rows, sign));
    }
    await q.query(`ALTER TABLE posts DROP COLUMN votes_count, DROP COLUMN comments_count`);
    // Sorting by votes or comments walks these, joining posts by id for the filters.
    await q.query(`CREATE INDEX ix_post_counters_votes ON post_counters (votes, post_id)`);
    await q.query(`CREATE INDEX ix_post_counters_comments ON post_counters (comments, post_id)`);

    // 3. Followers and following per user.
    await q.query(`
      CREATE TABLE user_counters (
        user_id integer NOT NULL,
        followers integer NOT NULL DEFAULT 0,
        following integer NOT NULL DEFAULT 0,
        CONSTRAINT pk_user_counters PRIMARY KEY (user_id),
        CONSTRAINT fk_user_counters_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
      ) WITH (fillfactor = 80)`);
    await q.query(`
      INSERT INTO user_counters (user_id, followers, following)
      SELECT u.id,
             (SELECT COUNT(*) FROM follows f WHERE f.followee_id = u.id),
             (SELECT COUNT(*) FROM follows f WHERE f.follower_id = u.id)
        FROM users u`);
    await q.query(`CREATE INDEX ix_user_counters_followers ON user_counters (followers, user_id)`);
    await q.query(`
      CREATE FUNCTION user_counters_users_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO user_counters (user_id) SELECT id FROM inserted;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER tr_user_counters_users_inserted AFTER INSERT ON users
        REFERENCING NEW TABLE AS inserted
        FOR EACH STATEMENT EXECUTE FUNCTION user_counters_users_inserted()`);
    for (const [event, kind, rows, sign] of STATEMENT_EVENTS) {
      await q.query(`
        CREATE FUNCTION user_counters_follows_${rows}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          -- Both ends of every follow, locked in id order first: two users
          -- following each other at once wait instead of deadlocking.
          PERFORM 1 FROM user_counters
            WHERE user_id IN (SELECT follower_id FROM ${rows} UNION SELECT followee_id FROM ${rows})
            ORDER BY user_id FOR NO KEY UPDATE;
          UPDATE user_counters uc
             SET followers = uc.followers ${sign} d.followers,
                 following = uc.following ${sign} d.following
            FROM (SELECT id, SUM(followers)::int AS followers, SUM(following)::int AS following
                    FROM (SELECT followee_id AS id, 1 AS followers, 0 AS following FROM ${rows}
                          UNION ALL
                          SELECT follower_id, 0, 1 FROM ${rows}) e
                   GROUP BY id) d
           WHERE uc.user_id = d.id;
          RETURN NULL;
        END $$`);
      await q.query(`
        CREATE TRIGGER tr_user_counters_follows_${rows} AFTER ${event} ON follows
          REFERENCING ${kind} TABLE AS ${rows}
          FOR EACH STATEMENT EXECUTE FUNCTION user_counters_follows_${rows}()`);
    }

    // 4. Published posts per tag.
    await q.query(`ALTER TABLE post_tags ADD COLUMN published boolean NOT NULL DEFAULT false`);
    await q.query(`
      UPDATE post_tags pt SET published = true FROM posts p WHERE p.id = pt.post_id AND p.published`);
    await q.query(`ALTER TABLE tags ADD COLUMN posts integer NOT NULL DEFAULT 0`);
    await q.query(`
      UPDATE tags t SET posts = c.n
        FROM (SELECT tag_id, COUNT(*)::int AS n FROM post_tags WHERE published GROUP BY tag_id) c
       WHERE t.id = c.tag_id`);
    // GET /api/tags lists tags in use: most used first (its default), or by name.
    await q.query(
      `CREATE INDEX ix_tags_posts ON tags (posts DESC, (name COLLATE "C")) WHERE posts > 0`,
    );
    await q.query(`CREATE INDEX ix_tags_name_in_use ON tags ((name COLLATE "C")) WHERE posts > 0`);
    await q.query(`
      CREATE FUNCTION post_tags_published_copied() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.published := COALESCE((SELECT p.published FROM posts p WHERE p.id = NEW.post_id), false);
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER tr_post_tags_published_copied BEFORE INSERT ON post_tags
        FOR EACH ROW EXECUTE FUNCTION post_tags_published_copied()`);
    await q.query(`
      CREATE FUNCTION post_tags_published_moved() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE post_tags SET published = NEW.published WHERE post_id = NEW.id;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER tr_post_tags_published_moved AFTER UPDATE OF published ON posts
        FOR EACH ROW WHEN (OLD.published IS DISTINCT FROM NEW.published)
        EXECUTE FUNCTION post_tags_published_moved()`);
    await q.query(TAGS_POSTS_COUNTED);
    await q.query(`
      CREATE CONSTRAINT TRIGGER tr_tags_posts_counted
        AFTER INSERT OR DELETE OR UPDATE OF published ON post_tags
        DEFERRABLE INITIALLY DEFERRED
        FOR EACH ROW EXECUTE FUNCTION tags_posts_counted()`);

    // 5. TRUNCATE, and the recount.
    await q.query(COUNTERS_TRUNCATED);
    await q.query(
      `CREATE TRIGGER tr_post_tags_truncated AFTER TRUNCATE ON post_tags
         FOR EACH STATEMENT EXECUTE FUNCTION counters_truncated()`,
    );
    await q.query(RECOUNT);
    await q.query(`SELECT agora_recount()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER tr_post_tags_truncated ON post_tags`);

    await q.query(`DROP TRIGGER tr_tags_posts_counted ON post_tags`);
    await q.query(`DROP FUNCTION tags_posts_counted()`);
    await q.query(`DROP TRIGGER tr_post_tags_published_moved ON posts`);
    await q.query(`DROP FUNCTION post_tags_published_moved()`);
    await q.query(`DROP TRIGGER tr_post_tags_published_copied ON post_tags`);
    await q.query(`DROP FUNCTION post_tags_published_copied()`);
    await q.query(`DROP INDEX ix_tags_name_in_use`);
    await q.query(`DROP INDEX ix_tags_posts`);
    await q.query(`ALTER TABLE tags DROP COLUMN posts`);
    await q.query(`ALTER TABLE post_tags DROP COLUMN published`);

    for (const [, , rows] of STATEMENT_EVENTS) {
      await q.query(`DROP TRIGGER tr_user_counters_follows_${rows} ON follows`);
      await q.query(`DROP FUNCTION user_counters_follows_${rows}()`);
    }
    await q.query(`DROP TRIGGER tr_user_counters_users_inserted ON users`);
    await q.query(`DROP FUNCTION user_counters_users_inserted()`);
    await q.query(`DROP TABLE user_counters`);

    await q.query(`
      ALTER TABLE posts
        ADD COLUMN votes_count integer NOT NULL DEFAULT 0,
        ADD COLUMN comments_count integer NOT NULL DEFAULT 0`);
    await q.query(`
      UPDATE posts p SET votes_count = pc.votes, comments_count = pc.comments
        FROM post_counters pc WHERE pc.post_id = p.id AND pc.votes + pc.comments > 0`);
    for (const [, , rows, sign] of STATEMENT_EVENTS) {
      for (const column of ['votes_count', 'comments_count']) {
        await q.query(`
          CREATE OR REPLACE FUNCTION ${column}_${rows}() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN
            UPDATE posts p SET ${column} = p.${column} ${sign} d.n
              FROM (SELECT post_id, COUNT(*)::int AS n FROM ${rows} GROUP BY post_id) d
             WHERE p.id = d.post_id;
            RETURN NULL;
          END $$`);
      }
    }
    await q.query(
      `CREATE INDEX ix_posts_published_votes ON posts (votes_count, id) WHERE published`,
    );
    await q.query(
      `CREATE INDEX ix_posts_published_comments ON posts (comments_count, id) WHERE published`,
    );
    await q.query(`DROP TRIGGER tr_post_counters_posts_inserted ON posts`);
    await q.query(`DROP FUNCTION post_counters_posts_inserted()`);
    await q.query(`DROP TABLE post_counters`);
    await q.query(`ALTER TABLE comments DROP COLUMN replies`);

    // Back to how migration 1763900400000 left the functions, then the feeds as 1763900500000 made them.
    await q.query(PUBLISHED_COUNTED);
    await q.query(`DROP TRIGGER tr_follows_truncated ON follows`);
    await q.query(`
      CREATE OR REPLACE FUNCTION counters_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_TABLE_NAME = 'votes' THEN
          UPDATE posts SET votes_count = 0 WHERE votes_count <> 0;
        ELSIF TG_TABLE_NAME = 'comments' THEN
          UPDATE posts SET comments_count = 0 WHERE comments_count <> 0;
        ELSIF TG_TABLE_NAME = 'posts' THEN
          UPDATE users SET published_posts = 0 WHERE published_posts <> 0;
          UPDATE counters SET value = 0 WHERE name = 'published_posts';
        END IF;
        RETURN NULL;
      END $$`);
    await new FeedCounts1763900500000().up(q);
  }
}

/** Row events, their transition table (kind and name), and how they move a count. */
export const STATEMENT_EVENTS = [
  ['INSERT', 'NEW', 'inserted', '+'],
  ['DELETE', 'OLD', 'deleted', '-'],
] as const;

/**
 * Votes move their posts' counters by ± the statement's rows per post (the
 * trigger, on votes, is the one migration 1763900300000 created).
 */
export function votesCounted(rows: string, sign: string): string {
  return `
    CREATE OR REPLACE FUNCTION votes_count_${rows}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE post_counters pc SET votes = pc.votes ${sign} d.n
        FROM (SELECT post_id, COUNT(*)::int AS n FROM ${rows} GROUP BY post_id) d
       WHERE pc.post_id = d.post_id;
      RETURN NULL;
    END $$`;
}

/** Comments move their posts' comments and threads, and their parents' replies. */
export function commentsCounted(rows: string, sign: string): string {
  return `
    CREATE OR REPLACE FUNCTION comments_count_${rows}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE post_counters pc
         SET comments = pc.comments ${sign} d.n, threads = pc.threads ${sign} d.top
        FROM (SELECT post_id, COUNT(*)::int AS n,
                     (COUNT(*) FILTER (WHERE parent_id IS NULL))::int AS top
                FROM ${rows} GROUP BY post_id) d
       WHERE pc.post_id = d.post_id;
      UPDATE comments c SET replies = c.replies ${sign} d.n
        FROM (SELECT parent_id, COUNT(*)::int AS n FROM ${rows}
               WHERE parent_id IS NOT NULL GROUP BY parent_id) d
       WHERE c.id = d.parent_id;
      RETURN NULL;
    END $$`;
}

/** Published posts per tag, moved by each link row's own change, at commit. */
export const TAGS_POSTS_COUNTED = `
      CREATE OR REPLACE FUNCTION tags_posts_counted() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        delta integer;
        tag integer;
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
          UPDATE tags SET posts = posts + delta WHERE id = tag;
        END IF;
        RETURN NULL;
      END $$`;

/** Published posts per author and in all, at commit, without the followers' feeds. */
const PUBLISHED_COUNTED = `
  CREATE OR REPLACE FUNCTION posts_published_counted() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE
    delta integer;
    author integer;
  BEGIN
    IF TG_OP = 'INSERT' THEN
      delta := NEW.published::int;
      author := NEW.author_id;
    ELSIF TG_OP = 'DELETE' THEN
      delta := -OLD.published::int;
      author := OLD.author_id;
    ELSE
      delta := NEW.published::int - OLD.published::int;
      author := NEW.author_id;
    END IF;
    IF delta <> 0 THEN
      UPDATE users SET published_posts = published_posts + delta WHERE id = author;
      UPDATE counters SET value = value + delta WHERE name = 'published_posts';
    END IF;
    RETURN NULL;
  END $$`;

/** What TRUNCATE resets (a cascade truncates every referencing table, each firing this). */
export const COUNTERS_TRUNCATED = `
  CREATE OR REPLACE FUNCTION counters_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF TG_TABLE_NAME = 'votes' THEN
      UPDATE post_counters SET votes = 0 WHERE votes <> 0;
    ELSIF TG_TABLE_NAME = 'comments' THEN
      UPDATE post_counters SET comments = 0, threads = 0 WHERE comments <> 0 OR threads <> 0;
    ELSIF TG_TABLE_NAME = 'posts' THEN
      UPDATE users SET published_posts = 0 WHERE published_posts <> 0;
      UPDATE counters SET value = 0 WHERE name = 'published_posts';
    ELSIF TG_TABLE_NAME = 'follows' THEN
      UPDATE user_counters SET followers = 0, following = 0 WHERE followers <> 0 OR following <> 0;
    ELSIF TG_TABLE_NAME = 'post_tags' THEN
      UPDATE tags SET posts = 0 WHERE posts <> 0;
    END IF;
    RETURN NULL;
  END $$`;

/**
 * (The exported statements are this migration's, frozen: a later migration
 * restores them in its down().)
 *
 * Every counter from the rows: missing counter rows are made, and only values
 * that differ are written (a table already right comes out unchanged).
 */
export const RECOUNT = `
  CREATE OR REPLACE FUNCTION agora_recount() RETURNS void LANGUAGE sql AS $$
    INSERT INTO post_counters AS pc (post_id, votes, comments, threads)
      SELECT p.id,
             (SELECT COUNT(*) FROM votes v WHERE v.post_id = p.id)::int,
             (SELECT COUNT(*) FROM comments c WHERE c.post_id = p.id)::int,
             (SELECT COUNT(*) FROM comments c WHERE c.post_id = p.id AND c.parent_id IS NULL)::int
        FROM posts p
    ON CONFLICT (post_id) DO UPDATE
       SET votes = EXCLUDED.votes, comments = EXCLUDED.comments, threads = EXCLUDED.threads
     WHERE (pc.votes, pc.comments, pc.threads)
           IS DISTINCT FROM (EXCLUDED.votes, EXCLUDED.comments, EXCLUDED.threads);
    UPDATE comments c SET replies = r.n
      FROM (SELECT cc.id, (SELECT COUNT(*) FROM comments k WHERE k.parent_id = cc.id)::int AS n
              FROM comments cc) r
     WHERE r.id = c.id AND c.replies IS DISTINCT FROM r.n;
    UPDATE users u SET published_posts = c.n
      FROM (SELECT cu.id,
                   (SELECT COUNT(*) FROM posts p WHERE p.author_id = cu.id AND p.published)::int AS n
              FROM users cu) c
     WHERE c.id = u.id AND u.published_posts IS DISTINCT FROM c.n;
    INSERT INTO user_counters AS uc (user_id, followers, following)
      SELECT u.id,
             (SELECT COUNT(*) FROM follows f WHERE f.followee_id = u.id)::int,
             (SELECT COUNT(*) FROM follows f WHERE f.follower_id = u.id)::int
        FROM users u
    ON CONFLICT (user_id) DO UPDATE
       SET followers = EXCLUDED.followers, following = EXCLUDED.following
     WHERE (uc.followers, uc.following) IS DISTINCT FROM (EXCLUDED.followers, EXCLUDED.following);
    UPDATE post_tags pt SET published = p.published
      FROM posts p
     WHERE p.id = pt.post_id AND pt.published IS DISTINCT FROM p.published;
    UPDATE tags t SET posts = c.n
      FROM (SELECT ct.id,
                   (SELECT COUNT(*) FROM post_tags pt WHERE pt.tag_id = ct.id AND pt.published)::int AS n
              FROM tags ct) c
     WHERE c.id = t.id AND t.posts IS DISTINCT FROM c.n;
    UPDATE counters SET value = c.n
      FROM (SELECT COUNT(*) AS n FROM posts WHERE published) c
     WHERE name = 'published_posts' AND value IS DISTINCT FROM c.n;
  $$`;
