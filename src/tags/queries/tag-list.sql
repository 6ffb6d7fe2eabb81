-- GET /api/tags
-- The SQL this request sends, captured from the running code by
-- test/sql-snapshots.e2e-spec.ts. Regenerate with `npm run sql:snapshots`.

-- 1 of 1
SELECT t.name AS name, t.posts AS posts, t.__sort_0::text AS "__sort_0", t.__sort_1::text AS "__sort_1", (
  SELECT COUNT(*)::int
  FROM (
    SELECT 1
    FROM "tags" "t"
    WHERE "t"."posts" > 0
    LIMIT 1000) capped) AS "__total"
FROM (
  SELECT "t"."posts" AS "__sort_0", t.*, ("t"."name" COLLATE "C") AS "__sort_1"
  FROM "tags" "t"
  WHERE "t"."posts" > 0
  ORDER BY "t"."posts" DESC, ("t"."name" COLLATE "C") ASC
  LIMIT 21) "t"
ORDER BY t.__sort_0 DESC, t.__sort_1 ASC
