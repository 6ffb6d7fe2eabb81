import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { CompiledQuery } from '../src/database/compiled-query.js';
import { createTestApp, type TestApp } from './support/app.js';

/**
 * CompiledQuery binds by name what TypeORM's builder would have bound: the
 * same rows as the builder's own run, whatever the values of later runs.
 */
type Bounds = { low: number; high: number };

describe('CompiledQuery', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  // A parameter used twice, a cast (`::int`) and a `:word` in a literal that
  // is not a parameter: the cases the placeholder rewrite must tell apart.
  const build = (params: Bounds): SelectQueryBuilder<ObjectLiteral> =>
    t.db
      .createQueryBuilder()
      .select('g.n::int', 'n')
      .addSelect(':low::int + g.n', 'shifted')
      .addSelect(`'a:word'`, 'literal')
      .from('(SELECT generate_series(1, 10) AS n)', 'g')
      .where('g.n >= :low AND g.n <= :high', params)
      .orderBy('g.n');

  it('returns the rows the query builder returns, for every set of values', async () => {
    const compiled = new CompiledQuery<{ n: number; shifted: number; literal: string }, Bounds>(
      build({ low: 0, high: 0 }),
    );
    for (const params of [
      { low: 2, high: 4 },
      { low: 7, high: 10 },
      { low: 5, high: 4 },
    ]) {
      const expected = await build(params).getRawMany();
      const rows = await compiled.all(t.db, params);
      expect(rows).toEqual(expected);
    }
    expect(await compiled.all(t.db, { low: 2, high: 3 })).toEqual([
      { n: 2, shifted: 4, literal: 'a:word' },
      { n: 3, shifted: 5, literal: 'a:word' },
    ]);
  });

  it('runs one statement through the data source, seen by the statement counter', async () => {
    const compiled = new CompiledQuery<{ n: number }, Bounds>(build({ low: 0, high: 0 }));
    const statements = await t.countQueries(() => compiled.one(t.db, { low: 1, high: 1 }));
    expect(statements).toBe(1);
    expect(await compiled.one(t.db, { low: 11, high: 12 })).toBeUndefined();
  });
});
