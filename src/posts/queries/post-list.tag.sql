-- GET /api/posts?tag=…
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
  ORDER BY n) AS "tags", false AS "voted", p.__sort_0::text AS "__sort_0", p.__sort_1::text AS "__sort_1"
FROM (
  SELECT p.*, "ft0"."created_at" AS "__sort_0", "ft0"."post_id" AS "__sort_1"
  FROM "posts" "p"
  INNER
  JOIN "post_tags" "ft0" ON "ft0"."post_id" = "p"."id"
  AND "ft0"."tag_id" = $1
  AND "ft0"."published"
  WHERE "p"."published"
  ORDER BY "ft0"."created_at" DESC, "ft0"."post_id" DESC
  LIMIT 21) "p"
INNER
JOIN "post_counters" "pc" ON "pc"."post_id" = p.id
INNER
JOIN "users" "a" ON "a"."id" = p.author_id
LEFT
JOIN "profiles" "ap" ON "ap"."user_id" = "a"."id"
ORDER BY p.__sort_0 DESC, p.__sort_1 DESC

-- 2 of 2
SELECT (
  SELECT t.posts
  FROM tags t
  WHERE t.name = $1) AS total, (
  SELECT json_object_agg(t.name, t.id)
  FROM tags t
  WHERE t.name = ANY($2::varchar[])) AS ids
