import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `feed_counts`: per follower, the published posts of everyone they follow,
 * so the feed's `meta.total` is one row instead of a sum over every followee
 * (1,000 lookups for a user following 1,000 accounts).
 *
 * What moves it, and how races are settled (READ COMMITTED):
 * - A follow or unfollow adds or takes the followee's `published_posts`. The
 *   statement holds the followee's users row `FOR SHARE` (follows.repository),
 *   which conflicts with the update of `published_posts` below, so a publish
 *   by the followee lands either wholly before the follow (counted in the
 *   followee's total the trigger reads) or wholly after it (added by the
 *   fan-out, which then sees the follow).
 * - A post published, unpublished or deleted: at commit, in the same deferred
 *   trigger that moves the author's `published_posts`, after locking the
 *   author's row, every follower's count moves by as much. Followers' rows are
 *   locked in id order, so two fan-outs never deadlock.
 * - A user deleted: before the row goes, its followers give up its posts; the
 *   cascades that follow then find no followee row to read and no follows to
 *   fan out to.
 * A user's own rows (users, then feed_counts) are always locked in that order.
 *
 * The price is a write per follower when a post is published or withdrawn.
 */
export class FeedCounts1763900500000 implements MigrationInterface {
  name = 'FeedCounts1763900500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE feed_counts (
        user_id integer NOT NULL,
        posts integer NOT NULL DEFAULT 0,
        CONSTRAINT pk_feed_counts PRIMARY KEY (user_id),
        CONSTRAINT fk_feed_counts_user FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE
      )`);

    // Follows and unfollows: ± the followee's published posts, per follower.
    for (const [event, kind, rows, sign] of [
      ['INSERT', 'NEW', 'inserted', '+'],
      ['DELETE', 'OLD', 'deleted', '-'],
    ] as const) {
      await q.query(`
        CREATE FUNCTION feed_counts_follows_${rows}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          INSERT INTO feed_counts AS fc (user_id, posts)
            SELECT r.follower_id, ${sign}SUM(u.published_posts)::int
              FROM ${rows} r
              JOIN users u ON u.id = r.followee_id
              -- Not for a follower whose account is going: its row goes with it.
              JOIN users fu ON fu.id = r.follower_id
             GROUP BY r.follower_id
             ORDER BY r.follower_id
            ON CONFLICT (user_id) DO UPDATE SET posts = fc.posts + EXCLUDED.posts
            WHERE EXCLUDED.posts <> 0;
          RETURN NULL;
        END $$`);
      await q.query(`
        CREATE TRIGGER tr_feed_counts_follows_${rows} AFTER ${event} ON follows
          REFERENCING ${kind} TABLE AS ${rows}
          FOR EACH STATEMENT EXECUTE FUNCTION feed_counts_follows_${rows}()`);
    }

    // A published post gained or lost: the author's count, the followers' feeds, the global count.
    await q.query(publishedCounted(true));

    await q.query(`
      CREATE FUNCTION feed_counts_user_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.published_posts <> 0 THEN
          PERFORM 1 FROM feed_counts
            WHERE user_id IN (SELECT follower_id FROM follows WHERE followee_id = OLD.id)
            ORDER BY user_id FOR NO KEY UPDATE;
          UPDATE feed_counts SET posts = posts - OLD.published_posts
            WHERE user_id IN (SELECT follower_id FROM follows WHERE followee_id = OLD.id);
        END IF;
        RETURN OLD;
      END $$`);
    await q.query(`
      CREATE TRIGGER tr_feed_counts_user_deleted BEFORE DELETE ON users
        FOR EACH ROW EXECUTE FUNCTION feed_counts_user_deleted()`);

    // TRUNCATE of posts or follows empties every feed.
    await q.query(countersTruncated(true));
    await q.query(
      `CREATE TRIGGER tr_follows_truncated AFTER TRUNCATE ON follows
         FOR EACH STATEMENT EXECUTE FUNCTION counters_truncated()`,
    );

    await q.query(RECOUNT_WITH_FEEDS);
    await q.query(`SELECT agora_recount()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(RECOUNT_WITHOUT_FEEDS);
    await q.query(`DROP TRIGGER tr_follows_truncated ON follows`);
    await q.query(countersTruncated(false));
    await q.query(`DROP TRIGGER tr_feed_counts_user_deleted ON users`);
    await q.query(`DROP FUNCTION feed_counts_user_deleted()`);
    await q.query(publishedCounted(false));
    for (const rows of ['inserted', 'deleted']) {
      await q.query(`DROP TRIGGER tr_feed_counts_follows_${rows} ON follows`);
      await q.query(`DROP FUNCTION feed_counts_follows_${rows}()`);
    }
    await q.query(`DROP TABLE feed_counts`);
  }
}

const RECOUNT_POSTS_AND_USERS = `
  UPDATE posts p SET votes_count = c.votes, comments_count = c.comments
    FROM (SELECT cp.id,
                 (SELECT COUNT(*) FROM votes v WHERE v.post_id = cp.id)::int AS votes,
                 (SELECT COUNT(*) FROM comments c WHERE c.post_id = cp.id)::int AS comments
            FROM posts cp) c
   WHERE c.id = p.id AND (p.votes_count, p.comments_count) IS DISTINCT FROM (c.votes, c.comments);
  UPDATE users u SET published_posts = c.n
    FROM (SELECT cu.id,
                 (SELECT COUNT(*) FROM posts p WHERE p.author_id = cu.id AND p.published)::int AS n
            FROM users cu) c
   WHERE c.id = u.id AND u.published_posts IS DISTINCT FROM c.n;
  UPDATE counters SET value = c.n
    FROM (SELECT COUNT(*) AS n FROM posts WHERE published) c
   WHERE name = 'published_posts' AND value IS DISTINCT FROM c.n;`;

/** agora_recount() as migration 1763900400000 left it. */
const RECOUNT_WITHOUT_FEEDS = `
  CREATE OR REPLACE FUNCTION agora_recount() RETURNS void LANGUAGE sql AS $$${RECOUNT_POSTS_AND_USERS}
  $$`;

/** ... and the feeds, from the authors' counts it has just settled; only rows that drifted are written. */
const RECOUNT_WITH_FEEDS = `
  CREATE OR REPLACE FUNCTION agora_recount() RETURNS void LANGUAGE sql AS $$${RECOUNT_POSTS_AND_USERS}
  INSERT INTO feed_counts AS fc (user_id, posts)
    SELECT f.follower_id, SUM(u.published_posts)::int
      FROM follows f JOIN users u ON u.id = f.followee_id
     GROUP BY f.follower_id
    ON CONFLICT (user_id) DO UPDATE SET posts = EXCLUDED.posts
    WHERE fc.posts IS DISTINCT FROM EXCLUDED.posts;
  UPDATE feed_counts fc SET posts = 0
   WHERE fc.posts <> 0
     AND NOT EXISTS (SELECT 1 FROM follows f WHERE f.follower_id = fc.user_id);
  $$`;

/** The deferred per-post trigger function; with feeds, it also fans out to the author's followers. */
function publishedCounted(feeds: boolean): string {
  const fanOut = `
          PERFORM 1 FROM feed_counts
            WHERE user_id IN (SELECT follower_id FROM follows WHERE followee_id = author)
            ORDER BY user_id FOR NO KEY UPDATE;
          UPDATE feed_counts SET posts = posts + delta
            WHERE user_id IN (SELECT follower_id FROM follows WHERE followee_id = author);`;
  return `
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
          UPDATE users SET published_posts = published_posts + delta WHERE id = author;${feeds ? fanOut : ''}
          UPDATE counters SET value = value + delta WHERE name = 'published_posts';
        END IF;
        RETURN NULL;
      END $$`;
}

/** What TRUNCATE resets; with feeds, every feed total too (posts or follows emptied). */
function countersTruncated(feeds: boolean): string {
  return `
      CREATE OR REPLACE FUNCTION counters_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_TABLE_NAME = 'votes' THEN
          UPDATE posts SET votes_count = 0 WHERE votes_count <> 0;
        ELSIF TG_TABLE_NAME = 'comments' THEN
          UPDATE posts SET comments_count = 0 WHERE comments_count <> 0;
        ELSIF TG_TABLE_NAME = 'posts' THEN
          UPDATE users SET published_posts = 0 WHERE published_posts <> 0;
          UPDATE counters SET value = 0 WHERE name = 'published_posts';${
            feeds
              ? `
          UPDATE feed_counts SET posts = 0 WHERE posts <> 0;
        ELSIF TG_TABLE_NAME = 'follows' THEN
          UPDATE feed_counts SET posts = 0 WHERE posts <> 0;`
              : ''
          }
        END IF;
        RETURN NULL;
      END $$`;
}
