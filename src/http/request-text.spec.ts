import { describe, expect, it } from '@jest/globals';
import { nestsDeeperThan } from './body-parsers.js';
import { decodeUtf8, illFormedFields, parseQueryString, textFault } from './request-text.js';

describe('textFault', () => {
  it.each([
    ['plain text', 'hello', undefined],
    ['a surrogate pair (an emoji)', '👩‍💻 𝔘', undefined],
    ['NUL', 'a\u0000b', 'must not contain NUL characters'],
    [
      'a lone high surrogate',
      'a\ud800',
      'must be well-formed Unicode (UTF-8, with no lone surrogate)',
    ],
    [
      'a lone low surrogate',
      '\udc00b',
      'must be well-formed Unicode (UTF-8, with no lone surrogate)',
    ],
  ])('%s', (_name, text, expected) => {
    expect(textFault(text)).toBe(expected);
  });
});

describe('illFormedFields', () => {
  it('names each broken field by its path, and prototype names as not allowed', () => {
    expect(
      illFormedFields({
        ok: 'fine',
        title: 'x\ud800',
        tags: ['a', 'b\u0000'],
        profile: { bio: '\udfff' },
        constructor: 1,
      }),
    ).toEqual([
      { field: 'constructor', message: 'is not allowed' },
      { field: 'title', message: 'must be well-formed Unicode (UTF-8, with no lone surrogate)' },
      { field: 'tags[1]', message: 'must not contain NUL characters' },
      {
        field: 'profile.bio',
        message: 'must be well-formed Unicode (UTF-8, with no lone surrogate)',
      },
    ]);
  });

  it('names a string body as `body`, and finds nothing in numbers, booleans and null', () => {
    expect(illFormedFields('\u0000')).toEqual([
      { field: 'body', message: 'must not contain NUL characters' },
    ]);
    expect(illFormedFields({ a: 1, b: true, c: null, d: [1.5] })).toEqual([]);
  });

  it('walks 10,000 levels of nesting without recursion', () => {
    let deep: unknown = 'x\ud800';
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expect(illFormedFields(deep)).toHaveLength(1);
  });
});

describe('decodeUtf8', () => {
  it('decodes well-formed UTF-8 as Buffer#toString does', () => {
    const text = 'añ€𝔘 plain';
    expect(decodeUtf8(Buffer.from(text))).toBe(text);
  });

  it.each([
    ['a stray continuation byte', [0x61, 0x80, 0x62], 'a\udc80b'],
    ['an overlong encoding of "/"', [0xc0, 0xaf], '\udcc0\udcaf'],
    ['an encoded surrogate', [0xed, 0xa0, 0x80], '\udced\udca0\udc80'],
    ['a code point past U+10FFFF', [0xf4, 0x90, 0x80, 0x80], '\udcf4\udc90\udc80\udc80'],
    ['a truncated sequence at the end', [0x61, 0xe2, 0x82], 'a\udce2\udc82'],
    ['0xFF', [0xff], '\udcff'],
  ])('keeps %s as lone surrogates (not U+FFFD)', (_name, bytes, expected) => {
    const text = decodeUtf8(Buffer.from(bytes));
    expect(text).toBe(expected);
    expect(text.isWellFormed()).toBe(false);
  });
});

describe('parseQueryString', () => {
  it('reads names and values as Fastify’s parser does, repeated names as arrays', () => {
    expect({ ...parseQueryString('a=1&b=x+y&a=2&c&d=%C3%A9%2B&&e=') }).toEqual({
      a: ['1', '2'],
      b: 'x y',
      c: '',
      d: 'é+',
      e: '',
    });
  });

  it('keeps a % that starts no escape literally', () => {
    expect({ ...parseQueryString('search=100%&x=%zz') }).toEqual({ search: '100%', x: '%zz' });
  });

  it('decodes escaped bytes that are not UTF-8 as lone surrogates', () => {
    const { a, b } = parseQueryString('a=%ED%A0%80&b=%FF');
    expect(a).toBe('\udced\udca0\udc80');
    expect(b).toBe('\udcff');
  });

  it('returns an object without a prototype, where __proto__ is a plain name', () => {
    const parsed = parseQueryString('__proto__=x');
    expect(Object.getPrototypeOf(parsed)).toBeNull();
    expect(Object.keys(parsed)).toEqual(['__proto__']);
  });
});

describe('nestsDeeperThan', () => {
  it.each([
    ['flat', '{"a":1}', 1, false],
    ['at the limit', '[[[]]]', 3, false],
    ['past the limit', '[[[[]]]]', 3, true],
    ['objects', '{"a":{"b":{"c":{}}}}', 3, true],
    ['brackets inside strings', '{"a":"[[[[{{{{"}', 1, false],
    ['escaped quotes inside strings', '{"a":"\\"[[[[\\\\"}', 1, false],
    ['a backslash before the closing quote', '{"a":"x\\\\","b":[[[]]]}', 4, false],
    ['a backslash before the closing quote, past the limit', '{"a":"x\\\\","b":[[[]]]}', 3, true],
    ['an unterminated string', '{"a":"[[[[', 1, false],
  ])('%s', (_name, text, limit, expected) => {
    expect(nestsDeeperThan(text, limit)).toBe(expected);
  });
});
