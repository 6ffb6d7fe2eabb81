import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { PreparedStatement, type Queryable } from './prepared.js';

export type { Queryable } from './prepared.js';

/**
 * A SELECT written with TypeORM's query builder, turned into SQL text once and
 * then run with new values bound by name. Building a query's text (resolving
 * aliases and property names) is a tenth of Agora's CPU time on a single-post
 * read; a query whose shape never changes need not pay for it per request.
 *
 * It runs as a named prepared statement of `pg` (see PreparedStatement), so
 * PostgreSQL parses it once per pool connection too; query logging, the
 * statement counter and error mapping see it like any other statement.
 */
export class CompiledQuery<Row, Params extends Record<string, unknown>> {
  private readonly statement: PreparedStatement<Row>;
  private readonly order: (keyof Params & string)[];

  /**
   * @param qb the query with every parameter it uses set (to any value):
   *   those names, and only those, become `$n` placeholders.
   */
  constructor(qb: SelectQueryBuilder<ObjectLiteral>) {
    const known = new Set(Object.keys(qb.getParameters()));
    const order: string[] = [];
    // The placeholder syntax TypeORM's PostgreSQL driver replaces, so the SQL
    // is the one getQueryAndParameters() would have produced.
    const sql = qb
      .getQuery()
      .replace(/:(\.\.\.)?([A-Za-z0-9_.]+)/g, (full, spread, name: string) => {
        if (!known.has(name)) return full;
        if (spread) throw new Error(`CompiledQuery: spread parameter :...${name} is not supported`);
        let index = order.indexOf(name);
        if (index < 0) index = order.push(name) - 1;
        return `$${index + 1}`;
      });
    this.order = order;
    this.statement = new PreparedStatement<Row>(sql);
  }

  /** The statement's SQL, with `$n` placeholders. */
  get text(): string {
    return this.statement.text;
  }

  /** Its name as a prepared statement (undefined when it runs unnamed). */
  get name(): string | undefined {
    return this.statement.name;
  }

  all(on: Queryable, params: Params): Promise<Row[]> {
    return this.statement.all(on, this.values(params));
  }

  /** The values of the `$n` placeholders, in order (to run the text elsewhere: EXPLAIN). */
  values(params: Params): unknown[] {
    return this.order.map((name) => {
      // A missing value would bind NULL and quietly match nothing.
      if (params[name] === undefined) throw new Error(`CompiledQuery: no value for :${name}`);
      return params[name];
    });
  }

  async one(on: Queryable, params: Params): Promise<Row | undefined> {
    return (await this.all(on, params))[0];
  }
}
