-- GET /api/posts?tag=…&search=… (one tag, 3+ characters)
-- The SQL this request sends, captured from the running code by
-- test/sql-snapshots.e2e-spec.ts. Regenerate with `npm run sql:snapshots`.

-- 1 of 1
SELECT "pc"."votes" AS "votes", "pc"."comments" AS "comments", p.id AS id, p.title AS title, p.description AS description, p.content AS content, p.published AS published, p.created_at AS "createdAt", p.updated_at AS "updatedAt", "a"."id" AS "authorId", "a"."username" AS "authorUsername", "ap"."display_name" AS "authorDisplayName", ARRAY(
  SELECT n
  FROM (
    SELECT (
      SELECT t.name COLLATE "C"
      FROM tags t
      WHERE t.id = pt.tag_id) AS n
    FROM post_tags pt
    WHERE pt.post_id = p.id) pn
  ORDER BY n) AS "tags", false AS "voted", p.__sort_0::text AS "__sort_0", p.__sort_1::text AS "__sort_1"
FROM (
  SELECT "p"."id" AS "__sort_1", p.*, "p"."created_at" AS "__sort_0"
  FROM "posts" "p"
  WHERE "p"."published"
  AND "p"."id" IN (
    WITH recent AS MATERIALIZED (
      SELECT "p"."id"
      FROM (
        SELECT "p"."id", "p"."created_at"
        FROM (
          SELECT ft.post_id AS id, ft.created_at
          FROM post_tags ft
          WHERE ft.tag_id = (
            SELECT st.id
            FROM tags st
            WHERE st.name = CAST($1 AS varchar))
          AND ft.published) p
        WHERE true
        ORDER BY "p"."created_at" DESC, "p"."id" DESC
        LIMIT 500) p
      WHERE (
        SELECT true
        FROM posts sp
        WHERE sp.id = "p"."id"
        AND sp.published
        AND (lower(sp.title) LIKE (
            SELECT CAST($2 AS text)) ESCAPE '\'
          OR lower(sp.content) LIKE (
            SELECT CAST($2 AS text)) ESCAPE '\'))
      ORDER BY "p"."created_at" DESC, "p"."id" DESC
      LIMIT 21)
    SELECT id
    FROM recent
    UNION ALL
    SELECT id
    FROM (
      SELECT "p"."id"
      FROM (
        SELECT "p"."id", "p"."created_at"
        FROM posts p
        WHERE "p"."published"
        AND (lower("p"."title") LIKE (
            SELECT CAST($2 AS text)) ESCAPE '\'
          OR lower("p"."content") LIKE (
            SELECT CAST($2 AS text)) ESCAPE '\')
        AND EXISTS (
          SELECT 1
          FROM post_tags ft
          WHERE ft.post_id = "p"."id"
          AND ft.tag_id = (
            SELECT st.id
            FROM tags st
            WHERE st.name = CAST($1 AS varchar))) OFFSET 0) p
      ORDER BY "p"."created_at" DESC, "p"."id" DESC
      LIMIT 21) own
    WHERE (
      SELECT COUNT(*)
      FROM recent) < 21)
  ORDER BY "p"."created_at" DESC, "p"."id" DESC
  LIMIT 21) "p"
INNER
JOIN "post_counters" "pc" ON "pc"."post_id" = p.id
INNER
JOIN "users" "a" ON "a"."id" = p.author_id
LEFT
JOIN "profiles" "ap" ON "ap"."user_id" = "a"."id"
ORDER BY p.__sort_0 DESC, p.__sort_1 DESC
