import pg from 'pg';

/**
 * How the hot statements (prepared.ts) read column text into values: pg's own
 * parsers, with a fast path for the two that a page of posts spends most on,
 * the timestamps and the tag-name arrays. Each fast path takes only the plain
 * form PostgreSQL writes for Agora's columns and hands anything else to pg's
 * parser, so the values are the ones pg would make: the same Date, the same
 * array (held to it by row-types.spec.ts).
 *
 * On a 20-post page, pg's timestamp parser (four regular expressions a value)
 * and its array parser (a character-by-character state machine) were 6% of
 * the CPU Node spent on GET /api/posts.
 */
export const ROW_TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary'): (text: string) => unknown {
    if (format !== 'binary') {
      if (oid === TIMESTAMPTZ) return parseTimestamptz;
      if (oid === TEXT_ARRAY || oid === VARCHAR_ARRAY) return parseStringArray;
    }
    return pgParser(oid, format ?? 'text');
  },
};

const TIMESTAMPTZ = 1184;
const TEXT_ARRAY = 1009;
const VARCHAR_ARRAY = 1015;

/** pg's parser of a type (its typings list only some builtin types, not the arrays). */
const pgParser = pg.types.getTypeParser as (
  oid: number,
  format: 'text' | 'binary',
) => (text: string) => unknown;
const pgTimestamptz = pgParser(TIMESTAMPTZ, 'text');
const pgTextArray = pgParser(TEXT_ARRAY, 'text');

/**
 * `2026-11-29 16:53:55.123456+00` (a session in UTC, a four-digit year):
 * Date.UTC of its fields, the fraction read as pg reads it (1000 × the
 * decimal, truncated by the Date). Any other form: pg's parser.
 */
export function parseTimestamptz(text: string): unknown {
  const n = text.length;
  if (
    n < 22 ||
    text.charCodeAt(4) !== DASH ||
    text.charCodeAt(7) !== DASH ||
    text.charCodeAt(10) !== SPACE ||
    text.charCodeAt(13) !== COLON ||
    text.charCodeAt(16) !== COLON ||
    text.charCodeAt(n - 3) !== PLUS ||
    text.charCodeAt(n - 2) !== ZERO ||
    text.charCodeAt(n - 1) !== ZERO ||
    (n > 22 && text.charCodeAt(19) !== DOT)
  ) {
    return pgTimestamptz(text);
  }
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 7);
  const day = digits(text, 8, 10);
  const hour = digits(text, 11, 13);
  const minute = digits(text, 14, 16);
  const second = digits(text, 17, 19);
  if (year < 100 || Number.isNaN(year + month + day + hour + minute + second)) {
    return pgTimestamptz(text);
  }
  const ms = n > 22 ? 1000 * parseFloat(text.slice(19, n - 3)) : 0;
  if (Number.isNaN(ms)) return pgTimestamptz(text);
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms));
}

/**
 * `{a,b,c}` with no quoted element (PostgreSQL quotes any element holding a
 * space, comma, quote, backslash or brace, and the string "NULL"), split at
 * the commas; `NULL` is null, as pg reads it. Any other form: pg's parser.
 */
export function parseStringArray(text: string): unknown {
  if (text === '{}') return [];
  const n = text.length;
  if (
    n < 3 ||
    text.charCodeAt(0) !== OPEN ||
    text.charCodeAt(n - 1) !== CLOSE ||
    text.indexOf('"') !== -1 ||
    text.indexOf('\\') !== -1 ||
    text.indexOf('{', 1) !== -1
  ) {
    return pgTextArray(text);
  }
  const items: (string | null)[] = text.slice(1, -1).split(',');
  for (let i = 0; i < items.length; i += 1) {
    if (items[i] === 'NULL') items[i] = null;
  }
  return items;
}

/** The decimal number of text[from, to), or NaN when a character is not a digit. */
function digits(text: string, from: number, to: number): number {
  let value = 0;
  for (let i = from; i < to; i += 1) {
    const d = text.charCodeAt(i) - ZERO;
    if (d < 0 || d > 9) return NaN;
    value = value * 10 + d;
  }
  return value;
}

const DASH = 0x2d;
const SPACE = 0x20;
const COLON = 0x3a;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const OPEN = 0x7b;
const CLOSE = 0x7d;
