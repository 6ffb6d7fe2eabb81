import { applyDecorators } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import { STATUS_CODES } from 'node:http';
import { SANE_ID } from '../request-id.js';
import { PROBLEM_CONTENT_TYPE, PROBLEM_LIMITS } from './problem.js';

export class FieldErrorResponse {
  @ApiProperty({ maxLength: PROBLEM_LIMITS.field, example: 'email' })
  field!: string;

  @ApiProperty({ maxLength: PROBLEM_LIMITS.message, example: 'must be a valid email address' })
  message!: string;
}

/** RFC 9457 problem details, as every error is sent. */
export class ProblemResponse {
  @ApiProperty({ maxLength: 200, example: 'about:blank' })
  type!: string;

  @ApiProperty({ maxLength: 100, example: 'Bad Request' })
  title!: string;

  @ApiProperty({ type: 'integer', format: 'int32', minimum: 400, maximum: 599, example: 400 })
  status!: number;

  @ApiProperty({ maxLength: PROBLEM_LIMITS.detail, example: 'The request is invalid.' })
  detail!: string;

  @ApiPropertyOptional({
    maxLength: PROBLEM_LIMITS.instance,
    description: `The request's path (its first ${PROBLEM_LIMITS.instance} characters).`,
    example: '/api/users',
  })
  instance?: string;

  @ApiPropertyOptional({
    maxLength: 128,
    pattern: SANE_ID.source,
    description: 'Quote it when reporting a problem (the `X-Request-Id` of the response).',
  })
  requestId?: string;

  @ApiPropertyOptional({
    type: [FieldErrorResponse],
    maxItems: PROBLEM_LIMITS.errors,
    description: `One entry per invalid field (the first ${PROBLEM_LIMITS.errors}).`,
  })
  errors?: FieldErrorResponse[];

  @ApiPropertyOptional({
    type: 'integer',
    format: 'int32',
    minimum: 1,
    // LOGIN_WINDOW_SECONDS is at most a day (the write window an hour), and no limit asks for longer.
    maximum: 86_400,
    description: 'Seconds to wait (429 and 503).',
  })
  retryAfter?: number;
}

/** What each problem status means, in the document's words. */
export const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input: `errors` lists each broken field.',
  401: 'Missing, invalid, expired or revoked bearer token.',
  403: 'Not allowed for the caller.',
  404: 'Not found.',
  408: 'The request line and headers did not arrive in time (answered before routing; the connection closes).',
  409: 'Conflicts with existing data.',
  413: 'Request body over 100 kB.',
  415: 'A body in a media type the operation does not read (JSON, and the OAuth2 form on login).',
  431: 'The request line and headers exceed 16 KiB (answered before routing; the connection closes).',
  429: 'Too many requests from this client (writes), or too many failed logins (login); see Retry-After.',
  503: 'The database is unavailable, or the server is shutting down; see Retry-After.',
};

/** Documents error statuses as application/problem+json. */
export function ApiProblems(...statuses: number[]) {
  return applyDecorators(
    ApiExtraModels(ProblemResponse, FieldErrorResponse),
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: PROBLEM_DESCRIPTIONS[status] ?? STATUS_CODES[status],
        content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemResponse) } } },
      }),
    ),
  );
}
