-- GET /api/feed
-- The SQL this request sends, captured from the running code by
-- test/sql-snapshots.e2e-spec.ts. Regenerate with `npm run sql:snapshots`.

-- 1 of 2
SELECT "pc"."votes" AS "votes", "pc"."comments" AS "comments", p.id AS id, p.title AS title, p.description AS description, p.content AS content, p.published AS published, p.created_at AS "createdAt", p.updated_at AS "updatedAt", "a"."id" AS "authorId", "a"."username" AS "authorUsername", "ap"."display_name" AS "authorDisplayName", ARRAY(
  SELECT n
  FROM (
    SELECT (
      SELECT t.name COLLATE "C"
      FROM tags t
      WHERE t.id = pt.tag_id) AS n
    FROM post_tags pt
    WHERE pt.post_id = p.id) pn
  ORDER BY n) AS "tags", EXISTS (
  SELECT 1
  FROM votes vv
  WHERE vv.post_id = p.id
  AND vv.user_id = $1) AS "voted", p.__sort_0::text AS "__sort_0", p.__sort_1::text AS "__sort_1", (
  SELECT LEAST(1000, COALESCE( (
        SELECT w.running
        FROM (
          SELECT SUM((
              SELECT uf.published_posts
              FROM users uf
              WHERE uf.id = f.followee_id)) OVER (
            ORDER BY f.followee_id ROWS UNBOUNDED PRECEDING) AS running
          FROM follows f
          WHERE f.follower_id = (
            SELECT CAST($2 AS int))
          ORDER BY f.followee_id) w
        WHERE w.running >= 1000
        LIMIT 1), (
        SELECT SUM((
            SELECT uf.published_posts
            FROM users uf
            WHERE uf.id = f.followee_id))
        FROM follows f
        WHERE f.follower_id = (
          SELECT CAST($2 AS int))), 0))::int) AS "__total"
FROM (
  SELECT "p"."id" AS "__sort_1", p.*, "p"."created_at" AS "__sort_0"
  FROM "posts" "p"
  WHERE "p"."published"
  AND "p"."id" IN (
    WITH recent AS MATERIALIZED (
      SELECT "p"."id"
      FROM (
        SELECT p.*
        FROM posts p
        WHERE "p"."published"
        ORDER BY "p"."created_at" DESC, "p"."id" DESC
        LIMIT 1000) p
      WHERE (
        SELECT COUNT(*)
        FROM (
          SELECT 1
          FROM follows fk
          WHERE fk.follower_id = (
            SELECT CAST($2 AS int))
          LIMIT 32) k) >= 32
      AND (
        SELECT true
        FROM follows fd
        WHERE fd.follower_id = (
          SELECT CAST($2 AS int))
        AND fd.followee_id = "p"."author_id")
      ORDER BY "p"."created_at" DESC, "p"."id" DESC
      LIMIT 21)
    SELECT id
    FROM recent
    UNION ALL
    SELECT id
    FROM (
      SELECT fp.id
      FROM follows fs CROSS
      JOIN LATERAL (
        SELECT "p"."id"
        FROM posts p
        WHERE "p"."author_id" = fs.followee_id
        AND "p"."published"
        ORDER BY "p"."created_at" DESC, "p"."id" DESC
        LIMIT 21) fp
      WHERE fs.follower_id = (
        SELECT CAST($2 AS int))) own
    WHERE (
      SELECT COUNT(*)
      FROM recent) < 21)
  ORDER BY "p"."created_at" DESC, "p"."id" DESC
  LIMIT 21) "p"
INNER
JOIN "post_counters" "pc" ON "pc"."post_id" = p.id
INNER
JOIN "users" "a" ON "a"."id" = p.author_id
LEFT
JOIN "profiles" "ap" ON "ap"."user_id" = "a"."id"
ORDER BY p.__sort_0 DESC, p.__sort_1 DESC

-- 2 of 2
SELECT "u"."token_version" AS "tokenVersion"
FROM "users" "u"
WHERE "u"."id" = $1
