import { Injectable } from '@nestjs/common';
import { ReadRouting } from '../database/read-routing.js';

/** A global counter: the sum of its shards (migration 1763900700000). */
const counter = (name: string) =>
  `(SELECT COALESCE(SUM(value), 0)::int FROM counters WHERE name = '${name}')`;

/**
 * Every figure in one statement, over published posts, read from the counters
 * the database keeps: the totals from `counters`, each leader by an index over
 * its counter (tags in use by count, authors by published posts, posts by
 * votes), so the statement costs the same at any size.
 */
const STATS_SQL = `
  SELECT
    ${counter('users')} AS users,
    ${counter('published_posts')} AS posts,
    ${counter('published_votes')} AS votes,
    ${counter('tags_in_use')} AS tags,
    ${counter('published_comments')} AS comments,
    (SELECT json_build_object('name', t.name, 'posts', t.posts)
       FROM tags t
      WHERE t.posts > 0
      ORDER BY t.posts DESC, (t.name COLLATE "C")
      LIMIT 1) AS "mostUsedTag",
    (SELECT json_build_object('id', u.id, 'username', u.username, 'posts', u.published_posts)
       FROM users u
      WHERE u.published_posts > 0
      ORDER BY u.published_posts DESC, u.id
      LIMIT 1) AS "mostProlificAuthor",
    (SELECT json_build_object('id', p.id, 'title', p.title, 'votes', pc.votes)
       FROM post_counters pc JOIN posts p ON p.id = pc.post_id
      WHERE pc.votes > 0 AND p.published
      ORDER BY pc.votes DESC, p.id
      LIMIT 1) AS "mostVotedPost"`;

/** The one row STATS_SQL returns: totals, and each leader as JSON (or null). */
export interface StatsRow {
  users: number;
  posts: number;
  votes: number;
  tags: number;
  comments: number;
  mostUsedTag: { name: string; posts: number } | null;
  mostProlificAuthor: { id: number; username: string; posts: number } | null;
  mostVotedPost: { id: number; title: string; votes: number } | null;
}

@Injectable()
export class StatsRepository {
  constructor(private readonly reads: ReadRouting) {}

  async compute(): Promise<StatsRow> {
    const rows: StatsRow[] = await this.reads.source().query(STATS_SQL);
    return rows[0];
  }
}
