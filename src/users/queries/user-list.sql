-- GET /api/users
-- The SQL this request sends, captured from the running code by
-- test/sql-snapshots.e2e-spec.ts. Regenerate with `npm run sql:snapshots`.

-- 1 of 1
SELECT "p"."bio" AS "profileBio", "p"."location" AS "profileLocation", "uc"."followers" AS "followersCount", "uc"."following" AS "followingCount", u.id AS id, u.username AS username, u.created_at AS "createdAt", "p"."display_name" AS "profileDisplayName", "p"."avatar_url" AS "profileAvatarUrl", "p"."updated_at" AS "profileUpdatedAt", u.published_posts AS "postsCount", false AS "following", u.__sort_0::text AS "__sort_0", u.__sort_1::text AS "__sort_1", (
  SELECT COUNT(*)::int
  FROM (
    SELECT 1
    FROM "users" "u"
    LIMIT 1000) capped) AS "__total"
FROM (
  SELECT "u"."id" AS "__sort_1", u.*, "u"."created_at" AS "__sort_0"
  FROM "users" "u"
  ORDER BY "u"."created_at" DESC, "u"."id" DESC
  LIMIT 21) "u"
LEFT
JOIN "profiles" "p" ON "p"."user_id" = u.id
INNER
JOIN "user_counters" "uc" ON "uc"."user_id" = u.id
ORDER BY u.__sort_0 DESC, u.__sort_1 DESC
