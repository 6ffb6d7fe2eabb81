/**
 * What every counter the database keeps must equal, as SQL: per counter, the
 * number of rows whose counter differs from a real COUNT(*) of the rows it
 * counts (a missing counter row counts as wrong). All zero when the triggers
 * (and agora_recount()) did their job. Tests and drills hold the database to
 * it; it scans every counted table, so it never runs in a request.
 */
export const COUNTER_CHECKS = {
  'post_counters.votes': `SELECT count(*) FROM posts p LEFT JOIN post_counters pc ON pc.post_id = p.id
     WHERE pc.votes IS DISTINCT FROM (SELECT count(*) FROM votes v WHERE v.post_id = p.id)::int`,
  'post_counters.comments': `SELECT count(*) FROM posts p LEFT JOIN post_counters pc ON pc.post_id = p.id
     WHERE pc.comments IS DISTINCT FROM (SELECT count(*) FROM comments c WHERE c.post_id = p.id)::int`,
  'post_counters.threads': `SELECT count(*) FROM posts p LEFT JOIN post_counters pc ON pc.post_id = p.id
     WHERE pc.threads IS DISTINCT FROM
           (SELECT count(*) FROM comments c WHERE c.post_id = p.id AND c.parent_id IS NULL)::int`,
  'comments.replies': `SELECT count(*) FROM comments c
     WHERE c.replies <> (SELECT count(*) FROM comments r WHERE r.parent_id = c.id)`,
  'users.published_posts': `SELECT count(*) FROM users u
     WHERE u.published_posts <> (SELECT count(*) FROM posts p WHERE p.author_id = u.id AND p.published)`,
  'user_counters.followers': `SELECT count(*) FROM users u LEFT JOIN user_counters uc ON uc.user_id = u.id
     WHERE uc.followers IS DISTINCT FROM (SELECT count(*) FROM follows f WHERE f.followee_id = u.id)::int`,
  'user_counters.following': `SELECT count(*) FROM users u LEFT JOIN user_counters uc ON uc.user_id = u.id
     WHERE uc.following IS DISTINCT FROM (SELECT count(*) FROM follows f WHERE f.follower_id = u.id)::int`,
  'post_tags.published': `SELECT count(*) FROM post_tags pt JOIN posts p ON p.id = pt.post_id
     WHERE pt.published <> p.published`,
  'post_tags.created_at': `SELECT count(*) FROM post_tags pt JOIN posts p ON p.id = pt.post_id
     WHERE pt.created_at <> p.created_at`,
  'tags.posts': `SELECT count(*) FROM tags t
     WHERE t.posts <> (SELECT count(*) FROM post_tags pt JOIN posts p ON p.id = pt.post_id
                        WHERE pt.tag_id = t.id AND p.published)`,
  'counters.published_posts': `SELECT count(*) FROM counters
     WHERE name = 'published_posts' AND value <> (SELECT count(*) FROM posts WHERE published)`,
  'counters.users': `SELECT count(*) FROM (SELECT 1) x
     WHERE (SELECT sum(value) FROM counters WHERE name = 'users') <> (SELECT count(*) FROM users)`,
  'counters.published_votes': `SELECT count(*) FROM (SELECT 1) x
     WHERE (SELECT sum(value) FROM counters WHERE name = 'published_votes')
        <> (SELECT count(*) FROM votes v JOIN posts p ON p.id = v.post_id WHERE p.published)`,
  'counters.published_comments': `SELECT count(*) FROM (SELECT 1) x
     WHERE (SELECT sum(value) FROM counters WHERE name = 'published_comments')
        <> (SELECT count(*) FROM comments c JOIN posts p ON p.id = c.post_id WHERE p.published)`,
  'counters.tags_in_use': `SELECT count(*) FROM (SELECT 1) x
     WHERE (SELECT sum(value) FROM counters WHERE name = 'tags_in_use')
        <> (SELECT count(*) FROM tags WHERE posts > 0)`,
} as const;

export type CounterDrift = Record<keyof typeof COUNTER_CHECKS, number>;

/** One row: each counter's name and how many of its rows drifted (of `checks`). */
export function counterDriftSql(checks: Partial<typeof COUNTER_CHECKS> = COUNTER_CHECKS): string {
  return `SELECT ${Object.entries(checks)
    .map(([name, sql]) => `(${sql})::int AS "${name}"`)
    .join(',\n  ')}`;
}

export const COUNTER_DRIFT_SQL = counterDriftSql();

/** The drift of a database whose counters are all exact. */
export const NO_DRIFT = Object.fromEntries(
  Object.keys(COUNTER_CHECKS).map((name) => [name, 0]),
) as CounterDrift;
