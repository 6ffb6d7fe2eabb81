-- GET /api/tags
-- The SQL this request sends, captured from the running code by
-- test/sql-snapshots.e2e-spec.ts. Regenerate with `npm run sql:snapshots`.

-- 1 of 2
SELECT COUNT(*)::int AS "total"
FROM (
  SELECT "t"."name" AS "name", COUNT(*)::int AS "posts"
  FROM "tags" "t"
  INNER
  JOIN "post_tags" "pt" ON "pt"."tag_id" = "t"."id"
  INNER
  JOIN "posts" "p" ON "p"."id" = "pt"."post_id"
  AND "p"."published"
  GROUP BY "t"."id") "tc"

-- 2 of 2
SELECT tc.name AS name, tc.posts AS posts, tc.__sort_0::text AS "__sort_0", tc.__sort_1::text AS "__sort_1"
FROM (
  SELECT tc.*, tc.posts AS "__sort_0", tc.name COLLATE "C" AS "__sort_1"
  FROM (
    SELECT "t"."name" AS "name", COUNT(*)::int AS "posts"
    FROM "tags" "t"
    INNER
    JOIN "post_tags" "pt" ON "pt"."tag_id" = "t"."id"
    INNER
    JOIN "posts" "p" ON "p"."id" = "pt"."post_id"
    AND "p"."published"
    GROUP BY "t"."id") "tc"
  ORDER BY tc.posts DESC, tc.name COLLATE "C" ASC
  LIMIT $1 OFFSET $2) "tc"
ORDER BY tc.__sort_0 DESC, tc.__sort_1 ASC
