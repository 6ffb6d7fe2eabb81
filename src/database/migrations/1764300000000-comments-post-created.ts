import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A post's comments in date order, whatever their level: the Conduit face's
 * flat list (`GET /conduit/api/articles/:slug/comments`, oldest first, at most
 * 1,000) walks it and stops at its page. The (post, parent, date) index serves
 * one level at a time only, so the flat list read and sorted every comment of
 * the post (3,000 comments: 3,000 rows read for a 1,001-row page).
 */
export class CommentsPostCreated1764300000000 implements MigrationInterface {
  name = 'CommentsPostCreated1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX ix_comments_post_created ON comments (post_id, created_at, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_comments_post_created`);
  }
}
