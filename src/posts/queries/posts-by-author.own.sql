-- GET /api/users/{id}/posts, as that user (drafts too)
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
  SELECT COUNT(*)::int
  FROM (
    SELECT 1
    FROM "posts" "p"
    WHERE ("p"."published"
      OR "p"."author_id" = $1)
    AND "p"."author_id" = (
      SELECT CAST($2 AS int))
    LIMIT 1000) capped) AS "__total"
FROM (
  SELECT "p"."id" AS "__sort_1", p.*, "p"."created_at" AS "__sort_0"
  FROM "posts" "p"
  WHERE ("p"."published"
    OR "p"."author_id" = $1)
  AND "p"."author_id" = (
    SELECT CAST($2 AS int))
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
