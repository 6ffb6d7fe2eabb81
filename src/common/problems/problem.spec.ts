import { describe, expect, it } from '@jest/globals';
import { PROBLEM_LIMITS, problem, withinLimits } from './problem.js';

describe('withinLimits', () => {
  it('leaves a problem within the limits as it is', () => {
    const body = problem(400, 'The request is invalid.', {
      instance: '/api/users',
      errors: [{ field: 'email', message: 'must be a valid email address' }],
    });
    expect(withinLimits(body)).toEqual(body);
  });

  it('cuts what a problem echoes of the request to the documented limits', () => {
    const body = problem(400, 'x'.repeat(5000), {
      instance: `/api/${'p'.repeat(5000)}`,
      errors: Array.from({ length: 500 }, (_, i) => ({
        field: `${'f'.repeat(1000)}${i}`,
        message: 'm'.repeat(1000),
      })),
    });
    const bounded = withinLimits(body);
    expect(bounded.detail).toHaveLength(PROBLEM_LIMITS.detail);
    expect(bounded.instance).toHaveLength(PROBLEM_LIMITS.instance);
    expect(bounded.errors).toHaveLength(PROBLEM_LIMITS.errors);
    expect(bounded.errors?.[0].field).toHaveLength(PROBLEM_LIMITS.field);
    expect(bounded.errors?.[0].message).toHaveLength(PROBLEM_LIMITS.message);
    expect(body.errors).toHaveLength(500);
  });
});
