import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { PROBLEM_LIMITS } from '../common/problems/problem.js';

/** RealWorld's error body, as the Conduit face sends every error (conduit-errors.ts). */
export class ConduitErrorsResponse {
  @ApiProperty({
    type: 'object',
    description:
      'Each key names a field (`email`), a resource (`article`, `profile`) or what failed ' +
      '(`token`, `credentials`, `body`, `path`, `request`, `server`); its messages follow it ' +
      'in a sentence ("email can\'t be blank").',
    additionalProperties: {
      type: 'array',
      items: { type: 'string', maxLength: PROBLEM_LIMITS.message },
      minItems: 1,
      maxItems: 10,
    },
    maxProperties: PROBLEM_LIMITS.errors,
    example: { email: ["can't be blank"] },
  })
  errors!: Record<string, string[]>;
}

/** What each error status means at the Conduit face, and an example of it. */
const CONDUIT_ERRORS: Record<number, { description: string; example: Record<string, string[]> }> = {
  401: {
    description:
      'The token is missing (`token: ["is missing"]`), or invalid, expired or revoked (`token: ["is invalid"]`); ' +
      'wrong login credentials (`credentials: ["invalid"]`).',
    example: { token: ['is missing'] },
  },
  403: { description: 'Not the owner.', example: { article: ['forbidden'] } },
  404: { description: 'Not found.', example: { profile: ['not found'] } },
  409: { description: 'Already taken.', example: { username: ['has already been taken'] } },
  413: {
    description: 'Request body over 100 kB.',
    example: { body: ['is too large (maximum is 100 kB)'] },
  },
  415: { description: 'The body is not JSON.', example: { body: ['must be application/json'] } },
  422: {
    description:
      'Invalid input, each broken field with its messages (also a body that is not JSON, or a path or query that is not well-formed).',
    example: { email: ["can't be blank"], password: ['must be 8 to 128 characters long'] },
  },
  429: {
    description:
      'Too many requests from this client (writes), or too many failed logins; see Retry-After.',
    example: { request: ['was refused: too many attempts; retry after 60 s'] },
  },
  503: {
    description: 'The database is unavailable, or the server is shutting down; see Retry-After.',
    example: { server: ['is unavailable; retry after 5 s'] },
  },
};

/**
 * The error statuses any Conduit operation may answer, whatever its handler
 * does: 401 (also where a token is optional: one that is sent must be valid),
 * 422 for input that is not well-formed, 503, and on the methods with a body
 * 413, 415 and 429 (the per-client write limit).
 */
export function conduitCommonErrorStatuses(method: string): number[] {
  return method === 'get' ? [401, 422, 503] : [401, 413, 415, 422, 429, 503];
}

/** The OpenAPI response of a Conduit error status. */
export function conduitErrorResponse(status: number, description?: string) {
  const known = CONDUIT_ERRORS[status];
  return {
    description: description ?? known?.description ?? String(status),
    content: {
      'application/json': {
        schema: { $ref: getSchemaPath(ConduitErrorsResponse) },
        ...(known ? { example: { errors: known.example } } : {}),
      },
    },
  };
}

/** Documents error statuses of a Conduit operation, as `{ errors: { … } }`. */
export function ApiConduitErrors(...statuses: number[]) {
  return applyDecorators(
    ApiExtraModels(ConduitErrorsResponse),
    ...statuses.map((status) => ApiResponse({ status, ...conduitErrorResponse(status) })),
  );
}
