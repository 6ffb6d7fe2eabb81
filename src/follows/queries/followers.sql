-- GET /api/users/{id}/followers
-- The SQL this request sends, captured from the running code by
-- test/sql-snapshots.e2e-spec.ts. Regenerate with `npm run sql:snapshots`.

-- 1 of 1
SELECT "u"."id" AS id, "u"."username" AS username, "pr"."display_name" AS "displayName", f.__sort_0::text AS "__sort_0", f.__sort_1::text AS "__sort_1", (
  SELECT uc.followers
  FROM user_counters uc
  WHERE uc.user_id = $1) AS "__total"
FROM (
  SELECT f.*, "f"."created_at" AS "__sort_0", "f"."follower_id" AS "__sort_1"
  FROM "follows" "f"
  WHERE "f"."followee_id" = $1
  ORDER BY "f"."created_at" DESC, "f"."follower_id" DESC
  LIMIT 21) "f"
INNER
JOIN "users" "u" ON "u"."id" = f.follower_id
LEFT
JOIN "profiles" "pr" ON "pr"."user_id" = "u"."id"
ORDER BY f.__sort_0 DESC, f.__sort_1 DESC
