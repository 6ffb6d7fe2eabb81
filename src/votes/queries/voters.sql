-- GET /api/posts/{id}/votes
-- The SQL this request sends, captured from the running code by
-- test/sql-snapshots.e2e-spec.ts. Regenerate with `npm run sql:snapshots`.

-- 1 of 1
SELECT "u"."id" AS id, "u"."username" AS username, "pr"."display_name" AS "displayName", v.__sort_0::text AS "__sort_0", v.__sort_1::text AS "__sort_1", (
  SELECT vc.votes
  FROM post_counters vc
  WHERE vc.post_id = $1) AS "__total"
FROM (
  SELECT v.*, "v"."created_at" AS "__sort_0", "v"."user_id" AS "__sort_1"
  FROM "votes" "v"
  WHERE "v"."post_id" = $1
  AND EXISTS (
    SELECT 1
    FROM posts vp
    WHERE vp.id = $1
    AND vp.published)
  ORDER BY "v"."created_at" DESC, "v"."user_id" DESC
  LIMIT 21) "v"
INNER
JOIN "users" "u" ON "u"."id" = v.user_id
LEFT
JOIN "profiles" "pr" ON "pr"."user_id" = "u"."id"
ORDER BY v.__sort_0 DESC, v.__sort_1 DESC
