-- GET /conduit/api/articles/{slug}, signed in
-- The SQL this request sends, captured from the running code by
-- test/sql-snapshots.e2e-spec.ts. Regenerate with `npm run sql:snapshots`.

-- 1 of 2
SELECT "p"."slug" AS "slug", "pc"."votes" AS "votes", "pc"."comments" AS "comments", "ap"."bio" AS "authorBio", "p"."id" AS id, "p"."title" AS title, "p"."description" AS description, "p"."content" AS content, "p"."published" AS published, "p"."created_at" AS "createdAt", "p"."updated_at" AS "updatedAt", "a"."id" AS "authorId", "a"."username" AS "authorUsername", "ap"."display_name" AS "authorDisplayName", ARRAY(
  SELECT n
  FROM (
    SELECT (
      SELECT t.name COLLATE "C"
      FROM tags t
      WHERE t.id = pt.tag_id) AS n
    FROM post_tags pt
    WHERE pt.post_id = "p"."id") pn
  ORDER BY n) AS "tags", EXISTS (
  SELECT 1
  FROM votes vv
  WHERE vv.post_id = "p"."id"
  AND vv.user_id = $1) AS "voted", "ap"."avatar_url" AS "authorImage", EXISTS (
  SELECT 1
  FROM follows af
  WHERE af.follower_id = $1
  AND af.followee_id = "a"."id") AS "authorFollowed"
FROM "posts" "p"
INNER
JOIN "post_counters" "pc" ON "pc"."post_id" = "p"."id"
INNER
JOIN "users" "a" ON "a"."id" = "p"."author_id"
LEFT
JOIN "profiles" "ap" ON "ap"."user_id" = "a"."id"
WHERE "p"."slug" = $2
AND ("p"."published"
  OR "p"."author_id" = $1)

-- 2 of 2
SELECT "u"."token_version" AS "tokenVersion"
FROM "users" "u"
WHERE "u"."id" = $1
