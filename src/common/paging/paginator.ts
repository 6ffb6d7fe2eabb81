import { Injectable } from '@nestjs/common';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { CompiledQuery } from '../../database/compiled-query.js';
import { CursorCodec } from './cursor.js';
import { cappedTotal, exactTotal, TOTAL_CAP, UNCOUNTED, type Page, type Total } from './page.js';
import type { PageQueryDto } from './page-query.dto.js';
import { sortKey, type SortTerm } from './sort.js';

/** One list, declared: its filtered base, what each row selects, and its order. */
export interface ListQuery {
  /** Names the list in its cursors, so one list's cursor is refused by another. */
  scope: string;
  /**
   * FROM + WHERE only: counted (up to TOTAL_CAP rows) for `meta.total` when no
   * `total` is given. The page statement passes its cut, for a base that must
   * bound a walk of its own (the feed's); the count passes none.
   */
  base: (cut?: BaseCut) => SelectQueryBuilder<ObjectLiteral>;
  /**
   * Adds the joins and columns of a row. It runs over the page only: the base's
   * alias then names the page's rows (every column of the base table), so
   * joins and per-row counts cost the page's size, not the table's.
   */
  select: (qb: SelectQueryBuilder<ObjectLiteral>) => SelectQueryBuilder<ObjectLiteral>;
  /**
   * `meta.total` in offset mode, read by the page statement itself (one round
   * trip for the page and its total): a scalar query selecting one integer,
   * with `:name` parameters that the base binds or `params` gives. `exact`:
   * read from a counter the database keeps (which must equal `COUNT(*)` of
   * the base); otherwise a count that stops at TOTAL_CAP (write `:__cap`
   * where the text needs the cap). Without it (and without `total`), the
   * base is counted up to TOTAL_CAP rows, in the page statement too.
   */
  totalSql?: { sql: string; params?: Record<string, unknown>; exact: boolean };
  /**
   * `meta.total` and `meta.totalExact` in offset mode, when the list has
   * them already (resolved with its filters) or must not count (a search):
   * the page statement then reads no total.
   */
  total?: () => Promise<Total>;
  sort: SortTerm[];
  /**
   * Names the SQL text that base and select build for these inputs (which
   * filters are present, whether a caller is signed in), not their values.
   * With it, the page and count statements are built once per shape and sort
   * and later runs only bind values: two requests with one shape must build
   * the same text, with the same parameter names (test/list-statements.e2e-spec.ts
   * builds every shape of every list to hold them to it).
   */
  shape?: string;
}

const SORT_ALIAS = (i: number) => `__sort_${i}`;
/** The column of the page statement that carries the total, on every row. */
const TOTAL_ALIAS = '__total';
/** The offset's parameter, when there is one (the cursor's are named by applyKeyset). */
const OFFSET_NAME = '__offset';

/**
 * Where a page statement cuts: after a cursor (keyset) or at an offset, and
 * how many rows it takes (the page's limit and one more, which tells whether
 * a next page exists). The row count is written into the text, and a zero
 * offset left out, so that PostgreSQL plans the statement knowing how many
 * rows it returns: with `LIMIT $n` it must guess (a tenth of the rows) and
 * never settles on one plan for the statement, planning it anew on every run.
 */
export interface Cut {
  keyset: boolean;
  take: number;
  /** Whether an offset is bound (`OFFSET $n`, rare: deep offset pages). */
  skip: boolean;
}
const CURSOR_PARAM = (i: number) => `__cursor_${i}`;

/**
 * A page statement's cut as SQL that a base can repeat inside a subquery of
 * its own, over the same sort expressions: the rows after the cursor, in the
 * list's order, as many as the page reads. The page still cuts the base
 * itself; a base that uses this only narrows what the page reads.
 */
export interface BaseCut {
  /** The cursor's condition, or undefined on an offset page. */
  after?: string;
  /** The list's ORDER BY terms. */
  orderBy: string;
  /** The rows the page reads: its row count, plus the offset on a deep page. */
  limit: string;
  /** Placeholders of the parameters that `after` and `limit` name (run() binds them). */
  params: Record<string, unknown>;
}

/**
 * Runs a list in one statement, whatever the page size: the page, and in
 * offset mode its total on every row, as a scalar subquery that PostgreSQL
 * runs once (an InitPlan) and that never costs more than TOTAL_CAP rows: a
 * counter's row, or a count of the base that stops at the cap. Only an empty
 * page past the first asks for its total alone, in a second statement.
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
  /** Page and count statements by list, shape, sort and mode. */
  private readonly compiled = new Map<string, CompiledList>();

  constructor(private readonly cursors: CursorCodec) {}

  /** A page of raw rows (the service maps them to its response class). */
  async run<Row extends object>(list: ListQuery, page: PageQueryDto): Promise<Page<Row>> {
    const key = `${list.scope}:${sortKey(list.sort)}`;
    const cursor =
      page.cursor !== undefined
        ? this.cursors.decode(key, page.cursor, list.sort.length)
        : undefined;
    const offset = cursor === undefined ? (page.offset ?? 0) : 0;
    const values: Record<string, unknown> = offset > 0 ? { [OFFSET_NAME]: offset } : {};
    cursor?.forEach((value, i) => (values[CURSOR_PARAM(i)] = value));
    const cut: Cut = { keyset: cursor !== undefined, take: page.limit + 1, skip: offset > 0 };

    const base = list.base(baseCut(list.sort, cut));
    const { statements, params: built } = this.statementsFor(list, cut, base);
    const params = { ...built, ...values };

    const dataSource = base.connection;
    const [rows, given] = await Promise.all([
      statements.page.all(dataSource, params) as Promise<Row[]>,
      cursor !== undefined ? UNCOUNTED : list.total?.(),
    ]);
    let total = given;
    if (total === undefined) {
      // Read with the page; an empty first page has none to carry it, and needs none.
      const first = rows[0] as Record<string, unknown> | undefined;
      const counted =
        first !== undefined
          ? (first[TOTAL_ALIAS] as number | null)
          : offset === 0
            ? 0
            : ((await this.countStatement(list, statements).one(dataSource, params))?.total ??
              null);
      total = list.totalSql?.exact ? exactTotal(counted ?? 0) : cappedTotal(counted ?? 0);
    }
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
      data: pageRows,
      meta: {
        total: total.total,
        totalExact: total.totalExact,
        limit: page.limit,
        offset: page.cursor === undefined ? (page.offset ?? 0) : null,
        nextCursor,
      },
    };
  }

  /**
   * The page and count statements of `list` in offset or keyset mode, and the
   * values its base and select bind: built from the query builders, or, for a
   * list with a shape, taken from the cache filled by the first list of that
   * shape, sort and mode. Public for test/list-statements.e2e-spec.ts, which
   * holds the cache to fresh builds.
   */
  statementsFor(
    list: ListQuery,
    cut: Cut,
    base = list.base(baseCut(list.sort, cut)),
  ): { statements: CompiledList; params: Record<string, unknown>; cached: boolean } {
    // In offset mode the page reads the total, unless the list brings its own.
    const counted = !cut.keyset && !list.total;
    const cacheKey =
      list.shape === undefined
        ? undefined
        : `${list.scope}:${sortKey(list.sort)}|${list.shape}|${cut.keyset ? 'keyset' : 'offset'}` +
          `|${cut.take}${cut.skip ? '+skip' : ''}` +
          (counted ? `|total:${list.totalSql?.sql ?? 'capped'}` : '');
    const cached = cacheKey === undefined ? undefined : this.compiled.get(cacheKey);
    if (cached) {
      // Only the values: building the query builders is cheap, their SQL is not.
      const params = {
        ...base.getParameters(),
        ...list.select(base.createQueryBuilder()).getParameters(),
        ...(counted ? list.totalSql?.params : undefined),
      };
      return { statements: cached, params, cached: true };
    }
    const built = buildPage(list, cut, counted ? totalQuery(list) : undefined);
    const params = built.getParameters();
    if (cut.skip) built.setParameter(OFFSET_NAME, 0);
    const statements: CompiledList = { page: new CompiledQuery(built) };
    if (cacheKey !== undefined) {
      if (this.compiled.size >= MAX_COMPILED) this.compiled.clear();
      this.compiled.set(cacheKey, statements);
    }
    return { statements, params, cached: false };
  }

  /**
   * The page statement's total alone, for an empty page past the first.
   * Compiled like the page (built on the first need).
   */
  countStatement(
    list: ListQuery,
    statements: CompiledList,
  ): CompiledQuery<{ total: number | null }, Record<string, unknown>> {
    if (statements.count) return statements.count;
    const total = totalQuery(list);
    return (statements.count = new CompiledQuery(
      list
        .base()
        .createQueryBuilder()
        .select(`(${total.sql})`, 'total')
        .from('(SELECT 1)', 'one')
        .setParameters(total.params),
    ));
  }
}

export interface CompiledList {
  page: CompiledQuery<object, Record<string, unknown>>;
  /** The total alone, for an empty offset page past the first. */
  count?: CompiledQuery<{ total: number | null }, Record<string, unknown>>;
}

/**
 * The scalar query of a list's total: its `totalSql`, or its base counted up
 * to TOTAL_CAP (a walk that stops there, however many rows match), with the
 * parameters it names.
 */
function totalQuery(list: ListQuery): { sql: string; params: Record<string, unknown> } {
  if (list.totalSql) {
    return {
      sql: list.totalSql.sql.replaceAll(':__cap', String(TOTAL_CAP)),
      params: { ...list.base().getParameters(), ...list.totalSql.params },
    };
  }
  const base = list.base().select('1');
  return {
    sql: `SELECT COUNT(*)::int FROM (${base.getQuery()} LIMIT ${TOTAL_CAP}) capped`,
    params: base.getParameters(),
  };
}

/** Shapes times sorts is bounded, but not small: a full cache starts over. */
const MAX_COMPILED = 1000;

/**
 * The page statement: its text depends on the list's shape, its sort and the
 * cut (the row count written in, the offset and cursor values as parameters
 * `:__offset` and `:__cursor_i`).
 */
function buildPage(
  list: ListQuery,
  { keyset, take, skip }: Cut,
  total?: { sql: string; params: Record<string, unknown> },
): SelectQueryBuilder<ObjectLiteral> {
  // Written into the SQL text: only ever a row count.
  if (!Number.isSafeInteger(take) || take < 1) throw new Error(`Paginator: bad row count ${take}`);
  const inner = list.base(baseCut(list.sort, { keyset, take, skip }));
  const alias = inner.alias;
  inner.select(`${alias}.*`);
  list.sort.forEach((term, i) => {
    inner.addSelect(term.expr, SORT_ALIAS(i));
    inner.addOrderBy(term.expr, term.descending ? 'DESC' : 'ASC');
  });
  if (keyset) applyKeyset(inner, list.sort);

  const qb = list.select(
    inner
      .createQueryBuilder()
      .from(`(${inner.getQuery()} LIMIT ${take}${skip ? ` OFFSET :${OFFSET_NAME}` : ''})`, alias)
      .setParameters(inner.getParameters()),
  );
  list.sort.forEach((term, i) => {
    qb.addSelect(`${alias}.${SORT_ALIAS(i)}::text`, SORT_ALIAS(i));
    qb.addOrderBy(`${alias}.${SORT_ALIAS(i)}`, term.descending ? 'DESC' : 'ASC');
  });
  // Uncorrelated: PostgreSQL runs it once per statement, not per row.
  if (total) qb.addSelect(`(${total.sql})`, TOTAL_ALIAS).setParameters(total.params);
  return qb;
}

/** The cut, for the base (see BaseCut). */
function baseCut(sort: SortTerm[], { keyset, take, skip }: Cut): BaseCut {
  const after = keyset ? keysetCondition(sort) : undefined;
  return {
    after: after?.sql,
    orderBy: sort.map((t) => `${t.expr} ${t.descending ? 'DESC' : 'ASC'}`).join(', '),
    limit: skip ? `${take} + :${OFFSET_NAME}` : String(take),
    params: { ...after?.params, ...(skip ? { [OFFSET_NAME]: 0 } : {}) },
  };
}

/**
 * Rows strictly after the cursor in the current order. One direction: a row
 * comparison `(a, b) > (x, y)`, which PostgreSQL serves from a matching index;
 * mixed directions: the expanded OR form.
 */
function applyKeyset(qb: SelectQueryBuilder<ObjectLiteral>, sort: SortTerm[]): void {
  const { sql, params } = keysetCondition(sort);
  qb.andWhere(sql, params);
}

function keysetCondition(sort: SortTerm[]): { sql: string; params: Record<string, unknown> } {
  const value = (i: number) => `CAST(:${CURSOR_PARAM(i)} AS ${sort[i].type})`;
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
  // Bound by run(); named here so the builder turns them into placeholders.
  return {
    sql: condition,
    params: Object.fromEntries(sort.map((_, i) => [CURSOR_PARAM(i), null])),
  };
}
