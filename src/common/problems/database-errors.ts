import { HttpStatus } from '@nestjs/common';
import {
  QueryFailedError,
  QueryRunnerAlreadyReleasedError,
  QueryRunnerProviderAlreadyReleasedError,
} from 'typeorm';
import { problem, type ProblemDetails } from './problem.js';

interface DriverError {
  code?: string;
  constraint?: string;
  message?: string;
}

/** Seconds a client should wait before retrying while the database is unavailable. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EPIPE',
  'EHOSTUNREACH',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
]);

const CONNECTION_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Query read timeout',
  'Connection ended unexpectedly',
  'Client has encountered a connection error',
  'connect ECONNREFUSED',
];

/**
 * Maps database failures to problems, in one place: constraint violations to
 * 409/400, timeouts and lost connections to 503. Returns undefined for errors
 * that are not the database's.
 */
export function databaseProblem(error: unknown): ProblemDetails | undefined {
  // TypeORM releases a transaction's query runner when its connection fails
  // (the server went away mid-transaction, which PostgreSQL rolls back); the
  // transaction's next statement then meets one of these, not the socket error.
  if (
    error instanceof QueryRunnerAlreadyReleasedError ||
    error instanceof QueryRunnerProviderAlreadyReleasedError
  ) {
    return unavailable('The database connection was lost.');
  }
  const driver = driverError(error);
  if (!driver) return undefined;
  const code = driver.code ?? '';
  if (code === '23505') return uniqueViolation(driver.constraint);
  if (code === '23503')
    return problem(HttpStatus.CONFLICT, 'The request refers to something that no longer exists.');
  if (code === '23514' || code === '23502' || code.startsWith('22'))
    return problem(HttpStatus.BAD_REQUEST, 'The request breaks a data rule.');
  if (code === '40001' || code === '40P01')
    return problem(
      HttpStatus.CONFLICT,
      'The request conflicted with a concurrent change; retry it.',
    );
  if (code === '57014') return unavailable('The database did not answer in time.');
  if (
    CONNECTION_CODES.has(code) ||
    code.startsWith('08') ||
    CONNECTION_MESSAGES.some((m) => driver.message?.includes(m))
  )
    return unavailable('The database is unavailable.');
  return undefined;
}

function unavailable(detail: string): ProblemDetails {
  return problem(HttpStatus.SERVICE_UNAVAILABLE, `${detail} Try again shortly.`, {
    retryAfter: DATABASE_RETRY_AFTER_SECONDS,
  });
}

/** `uq_<table>_<field>` names the field that must be unique. */
function uniqueViolation(constraint: string | undefined): ProblemDetails {
  const field = /^uq_[a-z]+_([a-z_]+)$/.exec(constraint ?? '')?.[1];
  if (!field) return problem(HttpStatus.CONFLICT, 'This resource already exists.');
  const name = field.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  return problem(HttpStatus.CONFLICT, `That ${name} is already taken.`, {
    errors: [{ field: name, message: 'is already taken' }],
  });
}

function driverError(error: unknown): DriverError | undefined {
  if (error instanceof QueryFailedError) return error.driverError as DriverError;
  if (typeof error !== 'object' || error === null) return undefined;
  const candidate = error as DriverError & { name?: string };
  // pg and net errors that surface outside a query (pool connect, socket).
  if (
    typeof candidate.code === 'string' &&
    (CONNECTION_CODES.has(candidate.code) || /^\d{2}[0-9A-Z]{3}$/.test(candidate.code))
  )
    return candidate;
  if (
    typeof candidate.message === 'string' &&
    CONNECTION_MESSAGES.some((m) => candidate.message?.includes(m))
  )
    return candidate;
  return undefined;
}
