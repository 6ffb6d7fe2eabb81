-- GET /api/posts/{id}
-- The SQL this request sends, captured from the running code by
-- test/sql-snapshots.e2e-spec.ts. Regenerate with `npm run sql:snapshots`.

-- 1 of 1
SELECT "p"."id" AS id, "p"."title" AS title, "p"."content" AS content, "p"."published" AS published, "p"."created_at" AS "createdAt", "p"."updated_at" AS "updatedAt", "a"."id" AS "authorId", "a"."username" AS "authorUsername", "ap"."display_name" AS "authorDisplayName", "p"."votes_count" AS "votes", "p"."comments_count" AS "comments", ARRAY(
  SELECT t.name
  FROM post_tags pt
  JOIN tags t ON t.id = pt.tag_id
  WHERE pt.post_id = "p"."id"
  ORDER BY t.name COLLATE "C") AS "tags", false AS "voted"
FROM "posts" "p"
INNER
JOIN "users" "a" ON "a"."id" = "p"."author_id"
LEFT
JOIN "profiles" "ap" ON "ap"."user_id" = "a"."id"
WHERE "p"."id" = $1
AND "p"."published"
