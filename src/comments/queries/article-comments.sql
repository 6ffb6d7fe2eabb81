-- GET /conduit/api/articles/{slug}/comments
-- The SQL this request sends, captured from the running code by
-- test/sql-snapshots.e2e-spec.ts. Regenerate with `npm run sql:snapshots`.

-- 1 of 2
SELECT "pr"."bio" AS "authorBio", c.id AS id, c.body AS body, c.created_at AS "createdAt", c.parent_id AS "parentId", "u"."id" AS "authorId", "u"."username" AS "authorUsername", "pr"."display_name" AS "authorDisplayName", c.replies AS "replies", "pr"."avatar_url" AS "authorImage", false AS "authorFollowed", c.__sort_0::text AS "__sort_0", c.__sort_1::text AS "__sort_1", (
  SELECT ac.comments
  FROM post_counters ac
  WHERE ac.post_id = $1) AS "__total"
FROM (
  SELECT "c"."id" AS "__sort_1", c.*, "c"."created_at" AS "__sort_0"
  FROM "comments" "c"
  WHERE "c"."post_id" = $1
  AND EXISTS (
    SELECT 1
    FROM posts vp
    WHERE vp.id = $1
    AND vp.published)
  ORDER BY "c"."created_at" ASC, "c"."id" ASC
  LIMIT 1001) "c"
INNER
JOIN "users" "u" ON "u"."id" = c.author_id
LEFT
JOIN "profiles" "pr" ON "pr"."user_id" = "u"."id"
ORDER BY c.__sort_0 ASC, c.__sort_1 ASC

-- 2 of 2
SELECT p.id
FROM posts p
WHERE p.slug = $1
