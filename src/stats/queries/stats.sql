-- GET /api/stats
-- The SQL this request sends, captured from the running code by
-- test/sql-snapshots.e2e-spec.ts. Regenerate with `npm run sql:snapshots`.

-- 1 of 1
SELECT (
  SELECT COALESCE(SUM(value), 0)::int
  FROM counters
  WHERE name = 'users') AS users, (
  SELECT COALESCE(SUM(value), 0)::int
  FROM counters
  WHERE name = 'published_posts') AS posts, (
  SELECT COALESCE(SUM(value), 0)::int
  FROM counters
  WHERE name = 'published_votes') AS votes, (
  SELECT COALESCE(SUM(value), 0)::int
  FROM counters
  WHERE name = 'tags_in_use') AS tags, (
  SELECT COALESCE(SUM(value), 0)::int
  FROM counters
  WHERE name = 'published_comments') AS comments, (
  SELECT json_build_object('name', t.name, 'posts', t.posts)
  FROM tags t
  WHERE t.posts > 0
  ORDER BY t.posts DESC, (t.name COLLATE "C")
  LIMIT 1) AS "mostUsedTag", (
  SELECT json_build_object('id', u.id, 'username', u.username, 'posts', u.published_posts)
  FROM users u
  WHERE u.published_posts > 0
  ORDER BY u.published_posts DESC, u.id
  LIMIT 1) AS "mostProlificAuthor", (
  SELECT json_build_object('id', p.id, 'title', p.title, 'votes', pc.votes)
  FROM post_counters pc
  JOIN posts p ON p.id = pc.post_id
  WHERE pc.votes > 0
  AND p.published
  ORDER BY pc.votes DESC, p.id
  LIMIT 1) AS "mostVotedPost"
