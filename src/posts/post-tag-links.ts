import type { EntityManager } from 'typeorm';

/**
 * The links between one post and its tags, written inside the post's
 * transaction (creating a post, or an edit under its row lock). The tags
 * feature's writes to a post go through PostWriter, which calls these.
 */

/**
 * Creates missing tags, then links them. Two statements on purpose: with
 * `ON CONFLICT DO NOTHING` a tag another transaction just created is skipped,
 * and only a new statement's snapshot sees it to link it. New names are
 * inserted in one fixed order, so two requests creating the same tags wait for
 * each other instead of deadlocking.
 */
export async function linkTags(
  manager: EntityManager,
  postId: number,
  names: string[],
): Promise<void> {
  if (names.length === 0) return;
  await manager.query(
    `INSERT INTO tags (name)
     SELECT n FROM unnest($1::varchar[]) AS n ORDER BY n COLLATE "C"
     ON CONFLICT (name) DO NOTHING`,
    [names],
  );
  await manager.query(
    `INSERT INTO post_tags (post_id, tag_id)
     SELECT $1, t.id FROM tags t WHERE t.name = ANY($2::varchar[]) ON CONFLICT DO NOTHING`,
    [postId, names],
  );
}

/** Unlinks every tag of the post that is not among `keep`. */
export async function unlinkTagsExcept(
  manager: EntityManager,
  postId: number,
  keep: string[],
): Promise<void> {
  await manager.query(
    `DELETE FROM post_tags pt USING tags t
      WHERE pt.post_id = $1 AND t.id = pt.tag_id AND NOT (t.name = ANY($2::varchar[]))`,
    [postId, keep],
  );
}

/** Unlinks one tag; false when the post did not carry it. */
export async function unlinkTag(
  manager: EntityManager,
  postId: number,
  name: string,
): Promise<boolean> {
  const rows: unknown[] = await manager.query(
    `DELETE FROM post_tags pt USING tags t
      WHERE pt.post_id = $1 AND t.id = pt.tag_id AND t.name = $2 RETURNING pt.tag_id`,
    [postId, name],
  );
  // pg returns [rows, count] for DELETE ... RETURNING through TypeORM's query().
  const removed = Array.isArray(rows[0]) ? (rows[0] as unknown[]).length : rows.length;
  return removed > 0;
}

/** The names of the post's tags. */
export async function tagNamesOf(manager: EntityManager, postId: number): Promise<string[]> {
  const rows: { name: string }[] = await manager.query(
    'SELECT t.name FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id = $1',
    [postId],
  );
  return rows.map((r) => r.name);
}
