import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `agora_recount()` writes only the counters that differ from the rows. It
 * used to rewrite every post and user: a new row version each, so a table
 * whose counters were already right came out twice its size (after a bulk
 * load that also set them, 109 MB of posts instead of 50), and every random
 * read of a post touched twice the pages.
 */
export class RecountOnlyDrifted1763900400000 implements MigrationInterface {
  name = 'RecountOnlyDrifted1763900400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION agora_recount() RETURNS void LANGUAGE sql AS $$
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
         WHERE name = 'published_posts' AND value IS DISTINCT FROM c.n;
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION agora_recount() RETURNS void LANGUAGE sql AS $$
        UPDATE posts p SET
          votes_count = (SELECT COUNT(*) FROM votes v WHERE v.post_id = p.id),
          comments_count = (SELECT COUNT(*) FROM comments c WHERE c.post_id = p.id);
        UPDATE users u SET published_posts =
          (SELECT COUNT(*) FROM posts p WHERE p.author_id = u.id AND p.published);
        UPDATE counters SET value = (SELECT COUNT(*) FROM posts WHERE published)
          WHERE name = 'published_posts';
      $$`);
  }
}
