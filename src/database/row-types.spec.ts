import { describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { parseStringArray, parseTimestamptz, ROW_TYPES } from './row-types.js';

const pgParser = pg.types.getTypeParser as (
  oid: number,
  format: 'text' | 'binary',
) => (text: string) => unknown;
const pgTimestamptz = pgParser(1184, 'text');
const pgArray = pgParser(1015, 'text');

/** A deterministic stream of numbers in [0, 1). */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

describe('row types', () => {
  it('reads every timestamp form as pg does, the plain UTC one by its fast path', () => {
    const next = random(7);
    const pad = (n: number, width: number) => String(n).padStart(width, '0');
    const texts: string[] = [];
    for (let i = 0; i < 5000; i += 1) {
      const fraction = [
        '',
        '.1',
        '.12',
        '.123',
        '.1234',
        '.12345',
        '.123456',
        '.29',
        '.58',
        '.999999',
      ][i % 10];
      const digits =
        fraction.length > 1
          ? `.${pad(Math.floor(next() * 1e6), 6).slice(0, fraction.length - 1)}`
          : '';
      texts.push(
        `${pad(1000 + Math.floor(next() * 9000), 4)}-${pad(1 + Math.floor(next() * 12), 2)}-${pad(1 + Math.floor(next() * 28), 2)} ` +
          `${pad(Math.floor(next() * 24), 2)}:${pad(Math.floor(next() * 60), 2)}:${pad(Math.floor(next() * 60), 2)}${i % 20 === 0 ? fraction : digits}+00`,
      );
    }
    // Forms the fast path leaves to pg: other offsets, BC, infinity, five-digit years, early years.
    texts.push(
      '2026-11-29 16:53:55.123456+01',
      '2026-11-29 16:53:55+05:30',
      '2026-11-29 16:53:55-08',
      '0044-03-15 12:00:00+00 BC',
      'infinity',
      '-infinity',
      '12026-11-29 16:53:55+00',
      '0050-01-01 00:00:00+00',
      '2026-11-29T16:53:55+00',
    );
    for (const text of texts) {
      const ours = parseTimestamptz(text);
      const theirs = pgTimestamptz(text);
      expect(ours instanceof Date ? ours.getTime() : ours).toEqual(
        theirs instanceof Date ? theirs.getTime() : theirs,
      );
    }
  });

  it('reads every array of names as pg does, the unquoted ones by its fast path', () => {
    const texts = [
      '{}',
      '{a}',
      '{engines,math}',
      '{c-sharp,go,node-js,x}',
      '{NULL,a}',
      '{"NULL",a}',
      '{"a b",c}',
      '{"a,b",c}',
      '{"a\\"b",c}',
      '{"a\\\\b"}',
      '{{a,b},{c,d}}',
      '{"{x}",y}',
      '{ü,日本}',
      '{"",a}',
    ];
    for (const text of texts) expect(parseStringArray(text)).toEqual(pgArray(text));
  });

  it('uses the fast paths for text columns only, and pg’s parsers for every other type', () => {
    expect(ROW_TYPES.getTypeParser(1184, 'text')).toBe(parseTimestamptz);
    expect(ROW_TYPES.getTypeParser(1015, 'text')).toBe(parseStringArray);
    expect(ROW_TYPES.getTypeParser(1009)).toBe(parseStringArray);
    expect(ROW_TYPES.getTypeParser(1184, 'binary')).toBe(pgParser(1184, 'binary'));
    expect(ROW_TYPES.getTypeParser(23, 'text')).toBe(pgParser(23, 'text'));
    expect(ROW_TYPES.getTypeParser(1700, 'text')).toBe(pgParser(1700, 'text'));
  });
});
