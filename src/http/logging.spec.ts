import { describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { PinoNestLogger } from './logging.js';

/** A PinoNestLogger over a pino logger at `level`, and the lines it wrote. */
function loggerAt(level: string): { nest: PinoNestLogger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const root = pino(
    { level },
    { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
  );
  return { nest: new PinoNestLogger(root), lines };
}

describe('PinoNestLogger', () => {
  it('writes each of Nest’s levels that the logger’s level lets through, with its context', () => {
    const { nest, lines } = loggerAt('trace');
    nest.verbose('SELECT 1', 'SQL');
    nest.debug('debug line', 'X');
    nest.log({ msg: 'structured', count: 2 }, 'Y');
    nest.warn('warned');
    nest.error(new Error('failed'), 'Z');
    nest.fatal('fatal line');
    expect(lines.map((l) => [l.level, l.msg, l.context])).toEqual([
      [10, 'SELECT 1', 'SQL'],
      [20, 'debug line', 'X'],
      [30, 'structured', 'Y'],
      [40, 'warned', undefined],
      [50, 'failed', 'Z'],
      [60, 'fatal line', undefined],
    ]);
    expect(lines[2].count).toBe(2);
  });

  it('writes nothing below the logger’s level, and what is at or above it', () => {
    const { nest, lines } = loggerAt('warn');
    nest.verbose('SELECT 1', 'SQL');
    nest.debug('debug line');
    nest.log('info line');
    nest.warn('warned');
    expect(lines.map((l) => [l.level, l.msg])).toEqual([[40, 'warned']]);
  });

  it('writes nothing when the logger is silent', () => {
    const { nest, lines } = loggerAt('silent');
    nest.fatal('fatal line');
    nest.error('error line');
    expect(lines).toEqual([]);
  });
});
