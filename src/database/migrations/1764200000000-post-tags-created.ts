import type { MigrationInterface, QueryRunner } from 'typeorm';
import { STATS_RECOUNT } from './1763900700000-stats-counters.js';

/**
 * A tag's published posts in date order, from the tag's side: each `post_tags`
 * row carries a copy of its post's `created_at` (as it already carries its
 * `published`), indexed by (tag, created_at, post) over published links.
 *
 * A tag-filtered list sorted by date walked every post by date and probed the
 * tag for each: its cost was the page divided by the tag's share of the
 * posts, and far more for a tag whose posts are all old (the whole posts
 * index, for a tag used only last year). Walking the tag's own links costs
 * the page, whatever the tag, and with a search (S4) rechecks only the tag's
 * posts' text. The copy is set when the link is made (from the post, which
 * exists by then) and follows the post should its date ever change; the
 * counters' check and agora_recount() cover it like `published`.
 */
export class PostTagsCreated1764200000000 implements MigrationInterface {
  name = 'PostTagsCreated1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE post_tags ADD COLUMN created_at timestamptz`);
    await q.query(
      `UPDATE post_tags pt SET created_at = p.created_at FROM posts p WHERE p.id = pt.post_id`,
    );
    await q.query(`ALTER TABLE post_tags ALTER COLUMN created_at SET NOT NULL`);
    // A link to a missing post keeps failing on its foreign key (23503), not on
    // this column: the copy falls back to now() and the insert goes on to the check.
    await q.query(`
      CREATE OR REPLACE FUNCTION post_tags_published_copied() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        SELECT p.published, p.created_at INTO NEW.published, NEW.created_at
          FROM posts p WHERE p.id = NEW.post_id;
        NEW.published := COALESCE(NEW.published, false);
        NEW.created_at := COALESCE(NEW.created_at, now());
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE FUNCTION post_tags_created_moved() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE post_tags SET created_at = NEW.created_at WHERE post_id = NEW.id;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER tr_post_tags_created_moved AFTER UPDATE OF created_at ON posts
        FOR EACH ROW WHEN (OLD.created_at IS DISTINCT FROM NEW.created_at)
        EXECUTE FUNCTION post_tags_created_moved()`);
    await q.query(
      `CREATE INDEX ix_post_tags_tag_published_created ON post_tags (tag_id, created_at, post_id) WHERE published`,
    );
    await q.query(TAGGED_RECOUNT);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(STATS_RECOUNT);
    await q.query(`DROP INDEX ix_post_tags_tag_published_created`);
    await q.query(`DROP TRIGGER tr_post_tags_created_moved ON posts`);
    await q.query(`DROP FUNCTION post_tags_created_moved()`);
    await q.query(`
      CREATE OR REPLACE FUNCTION post_tags_published_copied() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.published := COALESCE((SELECT p.published FROM posts p WHERE p.id = NEW.post_id), false);
        RETURN NEW;
      END $$`);
    await q.query(`ALTER TABLE post_tags DROP COLUMN created_at`);
  }
}

const COPY_PUBLISHED = `
    UPDATE post_tags pt SET published = p.published
      FROM posts p
     WHERE p.id = pt.post_id AND pt.published IS DISTINCT FROM p.published;`;

/** agora_recount() as 1763900700000 made it, with the link's date copied like its flag. */
const TAGGED_RECOUNT = (() => {
  if (!STATS_RECOUNT.includes(COPY_PUBLISHED)) {
    throw new Error('agora_recount(): the post_tags statement to extend is not there');
  }
  return STATS_RECOUNT.replace(
    COPY_PUBLISHED,
    `
    UPDATE post_tags pt SET published = p.published, created_at = p.created_at
      FROM posts p
     WHERE p.id = pt.post_id
       AND (pt.published, pt.created_at) IS DISTINCT FROM (p.published, p.created_at);`,
  );
})();
