/**
 * Planner settings for every connection Agora opens (sent at connection start,
 * so they cost no statement). `random_page_cost` 1.1 instead of PostgreSQL's
 * default 4, which prices a random page read as a spinning disk's: with the
 * working set in memory (or on SSD) an index probe is not four times dearer
 * than a sequential page. At 4 the planner looked each tag of a page's posts
 * up by scanning the whole `tags` table (3 pages, 200 rows) once per tag,
 * rather than by its primary key. The bench's EXPLAIN and the ceiling server
 * use the same settings.
 */
export const PLANNER_SETTINGS: Readonly<Record<string, string>> = { random_page_cost: '1.1' };

/** PLANNER_SETTINGS as libpq's `options` (`-c name=value …`), for pg's connection config. */
export function plannerOptions(): string {
  return Object.entries(PLANNER_SETTINGS)
    .map(([name, value]) => `-c ${name}=${value}`)
    .join(' ');
}
