-- GET /conduit/api/profiles/{username}, signed in
-- The SQL this request sends, captured from the running code by
-- test/sql-snapshots.e2e-spec.ts. Regenerate with `npm run sql:snapshots`.

-- 1 of 2
SELECT "p"."bio" AS "profileBio", "p"."location" AS "profileLocation", "uc"."followers" AS "followersCount", "uc"."following" AS "followingCount", "u"."id" AS id, "u"."username" AS username, "u"."created_at" AS "createdAt", "p"."display_name" AS "profileDisplayName", "p"."avatar_url" AS "profileAvatarUrl", "p"."updated_at" AS "profileUpdatedAt", "u"."published_posts" AS "postsCount", EXISTS (
  SELECT 1
  FROM follows vf
  WHERE vf.follower_id = $1
  AND vf.followee_id = "u"."id") AS "following"
FROM "users" "u"
LEFT
JOIN "profiles" "p" ON "p"."user_id" = "u"."id"
INNER
JOIN "user_counters" "uc" ON "uc"."user_id" = "u"."id"
WHERE lower("u"."username") = lower($2)

-- 2 of 2
SELECT "u"."token_version" AS "tokenVersion"
FROM "users" "u"
WHERE "u"."id" = $1
