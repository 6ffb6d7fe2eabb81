import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Posts gain `description` (an optional summary) and `slug` (for URLs: the
 * Conduit face looks articles up by it).
 *
 * The slug is the slugified title, '-', and the post's id, computed by the
 * database: a BEFORE trigger sets it on insert and whenever the title (or the
 * slug itself) is written, so no code path can store another. The id makes it
 * unique without a "check, then insert" race, and never reused: the id is the
 * text after the slug's last '-' (or the whole slug when the title has no
 * usable characters, which then has no '-'), so two posts can never share a
 * slug, not even a deleted post's. An edit of the content or description
 * leaves it as it is; a new title gives a new one.
 *
 * Slugify: accents folded (é → e, ß → ss, ø → o: NFD, combining marks
 * dropped; only in a UTF8 database, where normalize() works), lowercased, runs
 * of anything but a-z and 0-9 become one '-', trimmed of '-', at most 80
 * characters before the id. ASCII only, so a frontend can put it in a URL as
 * it is; a title with no Latin letter or digit gives just the id.
 */
export class PostSlugDescription1764000000000 implements MigrationInterface {
  name = 'PostSlugDescription1764000000000';

  async up(q: QueryRunner): Promise<void> {
    // PL/pgSQL, not SQL: a SQL function is inlined, and the planner then
    // evaluates normalize() over constant arguments even in the branch that a
    // SQL_ASCII database never takes, where it fails ("Unicode normalization
    // can only be performed if server encoding is UTF8"; PostgreSQL 18).
    await q.query(`
      CREATE FUNCTION post_slug(title text, id integer) RETURNS text
      LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
      DECLARE
        folded text := title;
        words text;
      BEGIN
        IF getdatabaseencoding() = 'UTF8' THEN
          folded := regexp_replace(
                      normalize(
                        translate(
                          replace(replace(replace(replace(replace(replace(replace(replace(
                            title, 'ß', 'ss'), 'ẞ', 'SS'), 'Æ', 'AE'), 'æ', 'ae'),
                            'Œ', 'OE'), 'œ', 'oe'), 'Þ', 'TH'), 'þ', 'th'),
                          'ØøŁłĐđĦħıÐð', 'OoLlDdHhiDd'),
                        NFD),
                      '[\\u0300-\\u036f]', '', 'g');
        END IF;
        words := rtrim(left(btrim(regexp_replace(lower(folded), '[^a-z0-9]+', '-', 'g'), '-'), 80), '-');
        RETURN CASE WHEN words = '' THEN id::text ELSE words || '-' || id END;
      END $$`);
    await q.query(`
      CREATE FUNCTION posts_slug_set() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.slug := post_slug(NEW.title, NEW.id);
        RETURN NEW;
      END $$`);
    await q.query(
      `ALTER TABLE posts ADD COLUMN description varchar(500), ADD COLUMN slug varchar(100)`,
    );
    await q.query(`UPDATE posts SET slug = post_slug(title, id)`);
    await q.query(`ALTER TABLE posts ALTER COLUMN slug SET NOT NULL`);
    await q.query(`ALTER TABLE posts ADD CONSTRAINT uq_posts_slug UNIQUE (slug)`);
    // Only the row itself: the identity default has set NEW.id before BEFORE triggers run.
    await q.query(`
      CREATE TRIGGER tr_posts_slug_set BEFORE INSERT OR UPDATE OF title, slug ON posts
        FOR EACH ROW EXECUTE FUNCTION posts_slug_set()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER tr_posts_slug_set ON posts`);
    await q.query(`ALTER TABLE posts DROP COLUMN slug, DROP COLUMN description`);
    await q.query(`DROP FUNCTION posts_slug_set()`);
    await q.query(`DROP FUNCTION post_slug(text, integer)`);
  }
}
