import type { MigrationInterface, QueryRunner } from 'typeorm';

export class FollowsComments1763900200000 implements MigrationInterface {
  name = 'FollowsComments1763900200000';

  async up(q: QueryRunner): Promise<void> {
    // A self-referential many-to-many: the pair is the key (a double follow is a conflict).
    await q.query(`
      CREATE TABLE follows (
        follower_id integer NOT NULL,
        followee_id integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_follows PRIMARY KEY (follower_id, followee_id),
        CONSTRAINT ck_follows_not_self CHECK (follower_id <> followee_id),
        CONSTRAINT fk_follows_follower FOREIGN KEY (follower_id) REFERENCES users (id) ON DELETE CASCADE,
        CONSTRAINT fk_follows_followee FOREIGN KEY (followee_id) REFERENCES users (id) ON DELETE CASCADE
      )`);
    // Followers of a user, newest first (and their count); a user's followees come from the key.
    await q.query(
      `CREATE INDEX ix_follows_followee_created ON follows (followee_id, created_at, follower_id)`,
    );
    await q.query(
      `CREATE INDEX ix_follows_follower_created ON follows (follower_id, created_at, followee_id)`,
    );

    // A self-referential one-to-many: replies point at their parent, in the same post.
    await q.query(`
      CREATE TABLE comments (
        id integer GENERATED ALWAYS AS IDENTITY NOT NULL,
        post_id integer NOT NULL,
        author_id integer NOT NULL,
        parent_id integer,
        body varchar(5000) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_comments PRIMARY KEY (id),
        CONSTRAINT fk_comments_post FOREIGN KEY (post_id) REFERENCES posts (id) ON DELETE CASCADE,
        CONSTRAINT fk_comments_author FOREIGN KEY (author_id) REFERENCES users (id) ON DELETE CASCADE,
        CONSTRAINT fk_comments_parent FOREIGN KEY (parent_id) REFERENCES comments (id) ON DELETE CASCADE
      )`);
    // A post's comments by parent (top level: parent_id IS NULL), oldest first; counts per post.
    await q.query(
      `CREATE INDEX ix_comments_post_parent_created ON comments (post_id, parent_id, created_at, id)`,
    );
    // Direct replies of a comment (their count, and the cascade on delete).
    await q.query(
      `CREATE INDEX ix_comments_parent ON comments (parent_id) WHERE parent_id IS NOT NULL`,
    );
    await q.query(`CREATE INDEX ix_comments_author ON comments (author_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE comments`);
    await q.query(`DROP TABLE follows`);
  }
}
