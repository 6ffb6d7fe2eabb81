import { describe, expect, it } from '@jest/globals';
import { ParseIdPipe } from './parse-id.pipe.js';
import { ValidationProblemException } from './problems/problem.js';

const pipe = new ParseIdPipe();
const meta = { type: 'param' as const, data: 'id' };

describe('ParseIdPipe', () => {
  it.each([
    ['1', 1],
    ['42', 42],
    ['2147483647', 2_147_483_647],
  ])('accepts %p', (raw, id) => {
    expect(pipe.transform(raw, meta)).toBe(id);
  });

  it.each(['0', '-1', '0x10', '1e3', '1.0', '01', ' 1', '99999999999', '2147483648', 'abc', ''])(
    'rejects %p with a 400 on the field',
    (raw) => {
      expect(() => pipe.transform(raw, meta)).toThrow(ValidationProblemException);
    },
  );
});
