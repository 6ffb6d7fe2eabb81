import type { MigrationInterface, QueryRunner } from 'typeorm';

export class UsersAndProfiles1763900000000 implements MigrationInterface {
  name = 'UsersAndProfiles1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await q.query(`
      CREATE TABLE users (
        id integer GENERATED ALWAYS AS IDENTITY NOT NULL,
        email varchar(254) NOT NULL,
        username varchar(30) NOT NULL,
        password_hash text NOT NULL,
        token_version integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_users PRIMARY KEY (id)
      )`);
    // Uniqueness is case-insensitive, and the database settles concurrent registrations.
    await q.query(`CREATE UNIQUE INDEX uq_users_email ON users (lower(email))`);
    await q.query(`CREATE UNIQUE INDEX uq_users_username ON users (lower(username))`);
    // Serves ?search= (substring) without scanning the table.
    await q.query(
      `CREATE INDEX ix_users_username_trgm ON users USING gin (lower(username) gin_trgm_ops)`,
    );
    await q.query(`CREATE INDEX ix_users_created_at ON users (created_at, id)`);
    await q.query(`
      CREATE TABLE profiles (
        user_id integer NOT NULL,
        display_name varchar(60) NOT NULL,
        bio varchar(500),
        avatar_url varchar(500),
        location varchar(100),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_profiles PRIMARY KEY (user_id),
        CONSTRAINT fk_profiles_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE profiles`);
    await q.query(`DROP TABLE users`);
  }
}
