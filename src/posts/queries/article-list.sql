-- GET /conduit/api/articles
-- The SQL this request sends, captured from the running code by
-- test/sql-snapshots.e2e-spec.ts. Regenerate with `npm run sql:snapshots`.

-- 1 of 1
SELECT "pc"."votes" AS "votes", "pc"."comments" AS "comments", "ap"."bio" AS "authorBio", p.id AS id, p.title AS title, p.description AS description, p.published AS published, p.created_at AS "createdAt", p.updated_at AS "updatedAt", "a"."id" AS "authorId", "a"."username" AS "authorUsername", "ap"."display_name" AS "authorDisplayName", ARRAY(
  SELECT n
  FROM (
    SELECT (
      SELECT t.name COLLATE "C"
      FROM tags t
      WHERE t.id = pt.tag_id) AS n
    FROM post_tags pt
    WHERE pt.post_id = p.id) pn
  ORDER BY n) AS "tags", false AS "voted", p.slug AS "slug", "ap"."avatar_url" AS "authorImage", false AS "authorFollowed", p.__sort_0::text AS "__sort_0", p.__sort_1::text AS "__sort_1", (
  SELECT value::int
  FROM counters
  WHERE name = 'published_posts') AS "__total"
FROM (
  SELECT "p"."id" AS "__sort_1", p.*, "p"."created_at" AS "__sort_0"
  FROM "posts" "p"
  WHERE "p"."published"
  ORDER BY "p"."created_at" DESC, "p"."id" DESC
  LIMIT 21) "p"
INNER
JOIN "post_counters" "pc" ON "pc"."post_id" = p.id
INNER
JOIN "users" "a" ON "a"."id" = p.author_id
LEFT
JOIN "profiles" "ap" ON "ap"."user_id" = "a"."id"
ORDER BY p.__sort_0 DESC, p.__sort_1 DESC
