import type { MigrationInterface, QueryRunner } from 'typeorm';

export class PostsVotesTags1763900100000 implements MigrationInterface {
  name = 'PostsVotesTags1763900100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE posts (
        id integer GENERATED ALWAYS AS IDENTITY NOT NULL,
        author_id integer NOT NULL,
        title varchar(200) NOT NULL,
        content varchar(20000) NOT NULL,
        published boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_posts PRIMARY KEY (id),
        CONSTRAINT fk_posts_author FOREIGN KEY (author_id) REFERENCES users (id) ON DELETE CASCADE
      )`);
    // List orders over published posts, an author's posts (drafts included), and search.
    await q.query(
      `CREATE INDEX ix_posts_published_created ON posts (created_at, id) WHERE published`,
    );
    await q.query(
      `CREATE INDEX ix_posts_published_title ON posts (lower(title), id) WHERE published`,
    );
    await q.query(`CREATE INDEX ix_posts_author_created ON posts (author_id, created_at, id)`);
    await q.query(
      `CREATE INDEX ix_posts_title_trgm ON posts USING gin (lower(title) gin_trgm_ops)`,
    );
    await q.query(
      `CREATE INDEX ix_posts_content_trgm ON posts USING gin (lower(content) gin_trgm_ops)`,
    );

    // One vote per user per post: the primary key settles double votes, even racing ones.
    await q.query(`
      CREATE TABLE votes (
        post_id integer NOT NULL,
        user_id integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_votes PRIMARY KEY (post_id, user_id),
        CONSTRAINT fk_votes_post FOREIGN KEY (post_id) REFERENCES posts (id) ON DELETE CASCADE,
        CONSTRAINT fk_votes_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
      )`);
    // "Votes of these posts" (counts, newest voters) and a user's votes (cascade on user delete).
    await q.query(`CREATE INDEX ix_votes_post_created ON votes (post_id, created_at, user_id)`);
    await q.query(`CREATE INDEX ix_votes_user ON votes (user_id)`);

    await q.query(`
      CREATE TABLE tags (
        id integer GENERATED ALWAYS AS IDENTITY NOT NULL,
        name varchar(30) NOT NULL,
        CONSTRAINT pk_tags PRIMARY KEY (id),
        CONSTRAINT uq_tags_name UNIQUE (name),
        CONSTRAINT ck_tags_name CHECK (name ~ '^[a-z0-9-]{1,30}$')
      )`);
    await q.query(`CREATE INDEX ix_tags_name_prefix ON tags (name text_pattern_ops)`);
    await q.query(`
      CREATE TABLE post_tags (
        post_id integer NOT NULL,
        tag_id integer NOT NULL,
        CONSTRAINT pk_post_tags PRIMARY KEY (post_id, tag_id),
        CONSTRAINT fk_post_tags_post FOREIGN KEY (post_id) REFERENCES posts (id) ON DELETE CASCADE,
        CONSTRAINT fk_post_tags_tag FOREIGN KEY (tag_id) REFERENCES tags (id) ON DELETE CASCADE
      )`);
    // Posts of a tag (filters and tag counts).
    await q.query(`CREATE INDEX ix_post_tags_tag ON post_tags (tag_id, post_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE post_tags`);
    await q.query(`DROP TABLE tags`);
    await q.query(`DROP TABLE votes`);
    await q.query(`DROP TABLE posts`);
  }
}
