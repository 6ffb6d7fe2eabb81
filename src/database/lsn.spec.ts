import { describe, expect, it } from '@jest/globals';
import { LSN_UNKNOWN, lsnFromText, lsnText, parseLsn } from './lsn.js';

describe('WAL positions', () => {
  it('reads pg_lsn text as a number', () => {
    expect(parseLsn('0/0')).toBe(0n);
    expect(parseLsn('0/16B3748')).toBe(0x16b3748n);
    expect(parseLsn('16/B374D848')).toBe((0x16n << 32n) + 0xb374d848n);
    expect(() => parseLsn('16B374D848')).toThrow(/WAL position/);
  });

  it('writes fixed-width text whose string order is the numeric order (for Redis)', () => {
    const positions = ['0/FF', '1/0', '0/100', 'A/0', '9/FFFFFFFF'].map(parseLsn);
    const byText = [...positions].sort((a, b) => (lsnText(a) < lsnText(b) ? -1 : 1));
    expect(byText).toEqual([...positions].sort((a, b) => (a < b ? -1 : 1)));
    for (const lsn of positions) expect(lsnFromText(lsnText(lsn))).toBe(lsn);
    expect(lsnText(LSN_UNKNOWN)).toBe('FFFFFFFFFFFFFFFF');
    expect(lsnText(LSN_UNKNOWN) > lsnText(parseLsn('FFFFFFFF/FFFFFFFE'))).toBe(true);
  });
});
