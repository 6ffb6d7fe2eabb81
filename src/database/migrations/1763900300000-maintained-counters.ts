import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Counters the lists sort and page by, kept by the database in the same
 * transaction as the rows they count, so no read aggregates a whole table:
 *
 * - `posts.votes_count` / `posts.comments_count`: sorting by votes or comments
 *   walks an index instead of counting every vote. Statement-level triggers
 *   with transition tables, so a bulk insert or a cascade costs one UPDATE.
 *   The UPDATE takes the post's row lock: racing votes add up exactly.
 * - `users.published_posts` and `counters('published_posts')`: `meta.total` of
 *   the unfiltered post list and of the feed without counting posts. Deferred
 *   to commit, so the single global row is always the last lock a transaction
 *   takes: it is held only for the commit and cannot join a deadlock cycle.
 *
 * `agora_recount()` recomputes every counter from the rows (bulk loads and
 * repair).
 */
/** Tables whose rows a `posts` counter counts, and that counter. */
const COUNTED_PER_POST = [
  ['votes', 'votes_count'],
  ['comments', 'comments_count'],
] as const;

/** Row events, their transition table (kind and name), and how they move the count. */
const STATEMENT_EVENTS = [
  ['INSERT', 'NEW', 'inserted', '+'],
  ['DELETE', 'OLD', 'deleted', '-'],
] as const;

export class MaintainedCounters1763900300000 implements MigrationInterface {
  name = 'MaintainedCounters1763900300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE posts
        ADD COLUMN votes_count integer NOT NULL DEFAULT 0,
        ADD COLUMN comments_count integer NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE users ADD COLUMN published_posts integer NOT NULL DEFAULT 0`);
    await q.query(`
      CREATE TABLE counters (
        name varchar(40) NOT NULL,
        value bigint NOT NULL DEFAULT 0,
        CONSTRAINT pk_counters PRIMARY KEY (name)
      )`);
    await q.query(`INSERT INTO counters (name, value) VALUES ('published_posts', 0)`);

    await q.query(`
      CREATE FUNCTION agora_recount() RETURNS void LANGUAGE sql AS $$
        UPDATE posts p SET
          votes_count = (SELECT COUNT(*) FROM votes v WHERE v.post_id = p.id),
          comments_count = (SELECT COUNT(*) FROM comments c WHERE c.post_id = p.id);
        UPDATE users u SET published_posts =
          (SELECT COUNT(*) FROM posts p WHERE p.author_id = u.id AND p.published);
        UPDATE counters SET value = (SELECT COUNT(*) FROM posts WHERE published)
          WHERE name = 'published_posts';
      $$`);
    await q.query(`SELECT agora_recount()`);

    // Votes and comments (replies included): +n / -n per post for each statement.
    for (const [table, column] of COUNTED_PER_POST) {
      for (const [event, kind, rows, sign] of STATEMENT_EVENTS) {
        await q.query(`
          CREATE FUNCTION ${column}_${rows}() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN
            UPDATE posts p SET ${column} = p.${column} ${sign} d.n
              FROM (SELECT post_id, COUNT(*)::int AS n FROM ${rows} GROUP BY post_id) d
             WHERE p.id = d.post_id;
            RETURN NULL;
          END $$`);
        await q.query(`
          CREATE TRIGGER tr_${column}_${rows} AFTER ${event} ON ${table}
            REFERENCING ${kind} TABLE AS ${rows}
            FOR EACH STATEMENT EXECUTE FUNCTION ${column}_${rows}()`);
      }
    }

    // Published posts, per author and in all, applied at commit.
    await q.query(`
      CREATE FUNCTION posts_published_counted() RETURNS trigger LANGUAGE plpgsql AS $$
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
      END $$`);
    await q.query(`
      CREATE CONSTRAINT TRIGGER tr_posts_published_counted
        AFTER INSERT OR DELETE OR UPDATE OF published ON posts
        DEFERRABLE INITIALLY DEFERRED
        FOR EACH ROW EXECUTE FUNCTION posts_published_counted()`);

    // TRUNCATE fires no row or DELETE triggers: reset what the emptied table counted.
    await q.query(`
      CREATE FUNCTION counters_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
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
    for (const table of ['votes', 'comments', 'posts']) {
      await q.query(
        `CREATE TRIGGER tr_${table}_truncated AFTER TRUNCATE ON ${table}
           FOR EACH STATEMENT EXECUTE FUNCTION counters_truncated()`,
      );
    }

    // Sorting published posts by votes or comments, either direction, walks these.
    await q.query(
      `CREATE INDEX ix_posts_published_votes ON posts (votes_count, id) WHERE published`,
    );
    await q.query(
      `CREATE INDEX ix_posts_published_comments ON posts (comments_count, id) WHERE published`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_posts_published_comments`);
    await q.query(`DROP INDEX ix_posts_published_votes`);
    for (const table of ['votes', 'comments', 'posts']) {
      await q.query(`DROP TRIGGER tr_${table}_truncated ON ${table}`);
    }
    await q.query(`DROP FUNCTION counters_truncated()`);
    await q.query(`DROP TRIGGER tr_posts_published_counted ON posts`);
    for (const [table, column] of COUNTED_PER_POST) {
      for (const [, , rows] of STATEMENT_EVENTS) {
        await q.query(`DROP TRIGGER tr_${column}_${rows} ON ${table}`);
        await q.query(`DROP FUNCTION ${column}_${rows}()`);
      }
    }
    await q.query(`DROP FUNCTION posts_published_counted()`);
    await q.query(`DROP FUNCTION agora_recount()`);
    await q.query(`DROP TABLE counters`);
    await q.query(`ALTER TABLE users DROP COLUMN published_posts`);
    await q.query(`ALTER TABLE posts DROP COLUMN comments_count, DROP COLUMN votes_count`);
  }
}
