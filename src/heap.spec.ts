import { describe, expect, it, jest } from '@jest/globals';
import v8 from 'node:v8';
import { HEAP_GROWING_PERCENT, limitHeapGrowth } from './heap.js';

describe('limitHeapGrowth', () => {
  it('sets --heap-growing-percent when nothing else did', () => {
    const set = jest.spyOn(v8, 'setFlagsFromString').mockImplementation(() => undefined);
    try {
      expect(limitHeapGrowth(['--enable-source-maps', '--max-semi-space-size=16'], '')).toBe(true);
      expect(set).toHaveBeenCalledWith(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
    } finally {
      set.mockRestore();
    }
  });

  it.each([
    [['--heap-growing-percent=80'], ''],
    [['--heap_growing_percent=80'], ''],
    [[], '--max-old-space-size=512 --heap-growing-percent=100'],
  ])('leaves the flag to the command line %p or NODE_OPTIONS %p', (execArgv, nodeOptions) => {
    const set = jest.spyOn(v8, 'setFlagsFromString').mockImplementation(() => undefined);
    try {
      expect(limitHeapGrowth(execArgv, nodeOptions)).toBe(false);
      expect(set).not.toHaveBeenCalled();
    } finally {
      set.mockRestore();
    }
  });
});
