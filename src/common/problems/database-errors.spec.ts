import { describe, expect, it } from '@jest/globals';
import {
  QueryFailedError,
  QueryRunnerAlreadyReleasedError,
  QueryRunnerProviderAlreadyReleasedError,
} from 'typeorm';
import { databaseProblem } from './database-errors.js';

function queryError(driver: Record<string, unknown>): QueryFailedError {
  return new QueryFailedError(
    'SELECT secret FROM t',
    [],
    Object.assign(new Error('driver text'), driver),
  );
}

describe('databaseProblem', () => {
  it('maps a unique violation to 409 naming the field from the constraint', () => {
    const problem = databaseProblem(queryError({ code: '23505', constraint: 'uq_users_email' }));
    expect(problem).toMatchObject({
      status: 409,
      errors: [{ field: 'email', message: 'is already taken' }],
    });
    expect(
      databaseProblem(queryError({ code: '23505', constraint: 'uq_users_avatar_url' }))?.errors,
    ).toEqual([{ field: 'avatarUrl', message: 'is already taken' }]);
    expect(databaseProblem(queryError({ code: '23505', constraint: 'pk_votes' }))?.status).toBe(
      409,
    );
  });

  it('maps timeouts and lost connections to 503 with a retry hint', () => {
    expect(databaseProblem(queryError({ code: '57014' }))).toMatchObject({
      status: 503,
      retryAfter: 5,
    });
    expect(
      databaseProblem(
        Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      )?.status,
    ).toBe(503);
    expect(databaseProblem(new Error('Connection terminated unexpectedly'))?.status).toBe(503);
    expect(databaseProblem(new Error('timeout exceeded when trying to connect'))?.status).toBe(503);
    // A transaction whose connection died: TypeORM released its runner (found by the outage drill).
    for (const released of [
      new QueryRunnerAlreadyReleasedError(),
      new QueryRunnerProviderAlreadyReleasedError(),
    ]) {
      expect(databaseProblem(released)).toMatchObject({ status: 503, retryAfter: 5 });
    }
  });

  it('maps other constraint and data errors, and leaves the rest alone', () => {
    expect(databaseProblem(queryError({ code: '23503' }))?.status).toBe(409);
    expect(databaseProblem(queryError({ code: '23514' }))?.status).toBe(400);
    expect(databaseProblem(queryError({ code: '22P02' }))?.status).toBe(400);
    expect(databaseProblem(new TypeError('x is undefined'))).toBeUndefined();
  });

  it('never carries SQL or driver text', () => {
    const problem = databaseProblem(queryError({ code: '23505', constraint: 'uq_users_email' }));
    expect(JSON.stringify(problem)).not.toMatch(/SELECT|driver text|secret/);
  });
});
