import { Injectable } from '@nestjs/common';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { CursorCodec } from './cursor.js';
import type { Page } from './page.js';
import type { PageQueryDto } from './page-query.dto.js';
import { sortKey, type SortTerm } from './sort.js';

/** One list, declared: its filtered base, what each row selects, and its order. */
export interface ListQuery<Row> {
  /** Names the list in its cursors, so one list's cursor is refused by another. */
  scope: string;
  /** FROM + WHERE only: counted for `meta.total` without any joins. */
  base: () => SelectQueryBuilder<ObjectLiteral>;
  /**
   * Adds the joins and columns of a row. It runs over the page only: the base's
   * alias then names the page's rows (every column of the base table), so
   * joins and per-row counts cost the page's size, not the table's.
   */
  select: (qb: SelectQueryBuilder<ObjectLiteral>) => SelectQueryBuilder<ObjectLiteral>;
  /**
   * `meta.total` when cheaper than `COUNT(*)` over the base, e.g. a counter the
   * database maintains. Must equal that count.
   */
  total?: () => Promise<number>;
  sort: SortTerm[];
  /** Builds the response item from a raw row. */
  map: (row: Row) => unknown;
}

const SORT_ALIAS = (i: number) => `__sort_${i}`;

/**
 * Runs a list in two statements at most, whatever the page size: the page,
 * and in offset mode its total.
 *
 * The page statement selects the page first — the base filtered, ordered and
 * cut (keyset or offset) over its own table, where an index can serve the
 * order — and only then joins and counts for those rows:
 *
 *     SELECT <row> FROM (SELECT p.*, <sort values> FROM posts p WHERE …
 *                        ORDER BY … LIMIT n + 1) p JOIN users a … ORDER BY …
 *
 * PostgreSQL never flattens a subquery with a LIMIT, so the joins cannot run
 * before the cut. The next cursor is the last row's sort values, read back as
 * text so timestamps keep their microseconds.
 */
@Injectable()
export class Paginator {
  constructor(private readonly cursors: CursorCodec) {}

  async run<Row extends object, Item>(
    list: ListQuery<Row> & { map: (row: Row) => Item },
    page: PageQueryDto,
  ): Promise<Page<Item>> {
    const key = `${list.scope}:${sortKey(list.sort)}`;
    const inner = list.base();
    const alias = inner.alias;
    inner.select(`${alias}.*`);
    list.sort.forEach((term, i) => {
      inner.addSelect(term.expr, SORT_ALIAS(i));
      inner.addOrderBy(term.expr, term.descending ? 'DESC' : 'ASC');
    });
    if (page.cursor !== undefined) {
      const values = this.cursors.decode(key, page.cursor, list.sort.length);
      applyKeyset(inner, list.sort, values);
    } else if (page.offset) {
      inner.offset(page.offset);
    }
    inner.limit(page.limit + 1);

    const qb = list.select(
      inner
        .createQueryBuilder()
        .from(`(${inner.getQuery()})`, alias)
        .setParameters(inner.getParameters()),
    );
    list.sort.forEach((term, i) => {
      qb.addSelect(`${alias}.${SORT_ALIAS(i)}::text`, SORT_ALIAS(i));
      qb.addOrderBy(`${alias}.${SORT_ALIAS(i)}`, term.descending ? 'DESC' : 'ASC');
    });

    const [rows, total] = await Promise.all([
      qb.getRawMany<Row>(),
      page.cursor !== undefined
        ? Promise.resolve(null)
        : list.total
          ? list.total()
          : countOf(list.base()),
    ]);
    const hasMore = rows.length > page.limit;
    const pageRows = hasMore ? rows.slice(0, page.limit) : rows;
    const last = pageRows[pageRows.length - 1];
    const nextCursor =
      hasMore && last
        ? this.cursors.encode(
            key,
            list.sort.map(
              (_, i) => ((last as Record<string, unknown>)[SORT_ALIAS(i)] as string | null) ?? null,
            ),
          )
        : null;
    return {
      data: pageRows.map(list.map),
      meta: {
        total,
        limit: page.limit,
        offset: page.cursor === undefined ? (page.offset ?? 0) : null,
        nextCursor,
      },
    };
  }
}

async function countOf(base: SelectQueryBuilder<ObjectLiteral>): Promise<number> {
  const row = await base.select('COUNT(*)::int', 'total').getRawOne<{ total: number }>();
  return row?.total ?? 0;
}

/**
 * Rows strictly after the cursor in the current order. One direction: a row
 * comparison `(a, b) > (x, y)`, which PostgreSQL serves from a matching index;
 * mixed directions: the expanded OR form.
 */
function applyKeyset(
  qb: SelectQueryBuilder<ObjectLiteral>,
  sort: SortTerm[],
  values: (string | null)[],
): void {
  const params: Record<string, string | null> = {};
  const value = (i: number) => {
    params[`__cursor_${i}`] = values[i];
    return `CAST(:__cursor_${i} AS ${sort[i].type})`;
  };
  const uniform = sort.every((t) => t.descending === sort[0].descending);
  let condition: string;
  if (uniform) {
    const op = sort[0].descending ? '<' : '>';
    condition = `(${sort.map((t) => t.expr).join(', ')}) ${op} (${sort.map((_, i) => value(i)).join(', ')})`;
  } else {
    const branches = sort.map((term, i) => {
      const equal = sort.slice(0, i).map((prev, j) => `${prev.expr} = ${value(j)}`);
      const op = term.descending ? '<' : '>';
      return `(${[...equal, `${term.expr} ${op} ${value(i)}`].join(' AND ')})`;
    });
    condition = `(${branches.join(' OR ')})`;
  }
  qb.andWhere(condition, params);
}
