-- GET /conduit/api/tags
-- The SQL this request sends, captured from the running code by
-- test/sql-snapshots.e2e-spec.ts. Regenerate with `npm run sql:snapshots`.

-- 1 of 1
SELECT "t"."name" AS "name"
FROM "tags" "t"
WHERE "t"."posts" > 0
ORDER BY "t"."name" ASC
