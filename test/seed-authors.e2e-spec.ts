import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { prepareDatabase } from '../scripts/seed/database.js';
import { followedAuthors } from '../scripts/seed/followed-authors.js';
import { DEFAULT_PASSWORD, seed, type SeedOptions } from '../scripts/seed/load.js';
import { databaseSettings } from '../src/config/database.config.js';
import { validateEnv } from '../src/config/env.validation.js';
import { ownDatabase } from './support/own-database.js';

/** Small sizes: 30 users, so an author asking for 50 followers gets every other user there is. */
const OPTIONS: SeedOptions = {
  users: 30,
  posts: 60,
  votes: 200,
  tags: 10,
  tagLinks: 100,
  follows: 150,
  comments: 80,
  demoFollows: 5,
  seed: 11,
  reset: false,
  password: DEFAULT_PASSWORD,
  followedAuthors: [50, 4],
};

/**
 * `--followed-authors` (the bench's S8 authors): extra users with a known
 * number of followers, on top of everything else the seed writes.
 */
describe('npm run db:seed --followed-authors', () => {
  const own = ownDatabase('agora_seed_authors');
  let db: pg.Client;

  async function rows<T extends object>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await db.query<T>(sql, params)).rows;
  }

  beforeAll(async () => {
    await prepareDatabase(own.url, databaseSettings(validateEnv(process.env)));
    db = new pg.Client({ connectionString: own.url });
    await db.connect();
    await seed(OPTIONS, own.url);
  });

  afterAll(async () => {
    await db?.end();
    await own.drop();
  });

  it('adds the authors after the regular users, with as many followers as asked or as there are', async () => {
    expect(followedAuthors(OPTIONS.users, [50, 4])).toEqual([
      { username: 'followed_50', email: 'followed_50@example.com', wanted: 50, followers: 30 },
      { username: 'followed_4', email: 'followed_4@example.com', wanted: 4, followers: 4 },
    ]);
    const authors = await rows<{ id: number; username: string; followers: number; posts: number }>(
      `SELECT u.id, u.username,
              (SELECT count(*)::int FROM follows f WHERE f.followee_id = u.id) AS followers,
              (SELECT count(*)::int FROM posts p WHERE p.author_id = u.id) AS posts
         FROM users u WHERE u.id > $1 ORDER BY u.id`,
      [OPTIONS.users],
    );
    // 29 regular users besides the demo user, and the other author.
    expect(authors).toEqual([
      { id: 31, username: 'followed_50', followers: 30, posts: 0 },
      { id: 32, username: 'followed_4', followers: 4, posts: 0 },
    ]);
  });

  it('leaves the demo user and the regular rows as they are', async () => {
    const [counts] = await rows<Record<string, number>>(
      `SELECT (SELECT count(*)::int FROM users) AS users,
              (SELECT count(*)::int FROM posts) AS posts,
              (SELECT count(*)::int FROM follows) AS follows,
              (SELECT count(*)::int FROM follows WHERE follower_id = 1) AS "demoFollows",
              (SELECT count(*)::int FROM follows WHERE followee_id > $1) AS "authorFollows"`,
      [OPTIONS.users],
    );
    expect(counts).toEqual({
      users: OPTIONS.users + 2,
      posts: OPTIONS.posts,
      follows: OPTIONS.follows + 34,
      demoFollows: OPTIONS.demoFollows,
      authorFollows: 34,
    });
    // Nobody follows themselves, and no follow is older than either account.
    const [bad] = await rows<{ n: number }>(
      `SELECT count(*)::int AS n FROM follows f
         JOIN users a ON a.id = f.follower_id JOIN users b ON b.id = f.followee_id
        WHERE f.follower_id = f.followee_id OR f.created_at < a.created_at OR f.created_at < b.created_at`,
    );
    expect(bad.n).toBe(0);
  });

  it('gives the authors the one password hash every seeded user has', async () => {
    const [hashes] = await rows<{ n: number }>(
      'SELECT count(DISTINCT password_hash)::int AS n FROM users',
    );
    expect(hashes.n).toBe(1);
  });
});
