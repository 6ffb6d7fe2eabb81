import { describe, expect, it } from '@jest/globals';
import { ValidationProblemException } from '../problems/problem.js';
import { parseSort, sortKey, sortValues, type SortSpec } from './sort.js';

const spec: SortSpec = {
  fields: {
    createdAt: { expr: 'p.created_at', type: 'timestamptz' },
    title: { expr: 'lower(p.title)', type: 'text' },
  },
  id: { expr: 'p.id', type: 'int' },
  default: '-createdAt',
};

describe('parseSort', () => {
  it('uses the default and appends the id as the final tie-breaker', () => {
    const terms = parseSort(undefined, spec);
    expect(terms.map((t) => [t.expr, t.descending])).toEqual([
      ['p.created_at', true],
      ['p.id', true],
    ]);
    expect(sortKey(terms)).toBe('-createdAt,-id');
  });

  it('parses several fields with directions', () => {
    const terms = parseSort('title,-createdAt', spec);
    expect(sortKey(terms)).toBe('title,-createdAt,-id');
    expect(terms[0]).toMatchObject({
      field: 'title',
      expr: 'lower(p.title)',
      type: 'text',
      descending: false,
    });
  });

  it.each(['votes', 'title;drop table posts', '-', 'title,title', 'constructor', '__proto__'])(
    'rejects %p with a 400 naming sort',
    (raw) => {
      expect(() => parseSort(raw, spec)).toThrow(ValidationProblemException);
      try {
        parseSort(raw, spec);
      } catch (error) {
        expect((error as ValidationProblemException).problem.errors?.[0].field).toBe('sort');
      }
    },
  );

  it('lists the accepted values', () => {
    expect(sortValues(spec)).toEqual(['createdAt', '-createdAt', 'title', '-title']);
  });
});
