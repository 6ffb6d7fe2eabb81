-- GET /api/stats
-- The SQL this request sends, captured from the running code by
-- test/sql-snapshots.e2e-spec.ts. Regenerate with `npm run sql:snapshots`.

-- 1 of 1
SELECT (
  SELECT COUNT(*)::int
  FROM users) AS users, (
  SELECT COUNT(*)::int
  FROM posts
  WHERE published) AS posts, (
  SELECT COUNT(*)::int
  FROM votes v
  JOIN posts p ON p.id = v.post_id
  WHERE p.published) AS votes, (
  SELECT COUNT(DISTINCT pt.tag_id)::int
  FROM post_tags pt
  JOIN posts p ON p.id = pt.post_id
  WHERE p.published) AS tags, (
  SELECT COUNT(*)::int
  FROM comments c
  JOIN posts p ON p.id = c.post_id
  WHERE p.published) AS comments, (
  SELECT json_build_object('name', t.name, 'posts', COUNT(*)::int)
  FROM tags t
  JOIN post_tags pt ON pt.tag_id = t.id
  JOIN posts p ON p.id = pt.post_id
  WHERE p.published
  GROUP BY t.id, t.name
  ORDER BY COUNT(*) DESC, t.name COLLATE "C"
  LIMIT 1) AS "mostUsedTag", (
  SELECT json_build_object('id', u.id, 'username', u.username, 'posts', COUNT(*)::int)
  FROM users u
  JOIN posts p ON p.author_id = u.id
  WHERE p.published
  GROUP BY u.id, u.username
  ORDER BY COUNT(*) DESC, u.id
  LIMIT 1) AS "mostProlificAuthor", (
  SELECT json_build_object('id', p.id, 'title', p.title, 'votes', COUNT(*)::int)
  FROM posts p
  JOIN votes v ON v.post_id = p.id
  WHERE p.published
  GROUP BY p.id, p.title
  ORDER BY COUNT(*) DESC, p.id
  LIMIT 1) AS "mostVotedPost"
