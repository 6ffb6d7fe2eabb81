import { ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import { ValidationProblemException } from './problems/problem.js';
import { validationExceptionFactory } from './problems/validation-errors.js';

/**
 * The global pipe: whitelisted DTOs, unknown properties refused, problems in
 * Agora's `errors` shape. Also:
 * - path parameters are left as text for their own pipes (ParseIdPipe): the
 *   stock pipe would first turn `0x10` into 16 and `1e3` into 1000;
 * - a body must be a JSON object.
 * Text that is not well-formed Unicode or holds a NUL never gets here: see
 * src/http/request-text.ts.
 */
export class AppValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      transform: true,
      validationError: { target: false, value: false },
      exceptionFactory: validationExceptionFactory,
    });
  }

  /**
   * Query DTOs already made, by class and query: a list's first page is asked
   * for with the same few queries over and over, and turning one into its DTO
   * (class-transformer, then class-validator's metadata lookups) was a twentieth
   * of a list request's CPU. A DTO depends on its query's text alone; the ones
   * kept are frozen, so no handler can change what the next request gets.
   * Failures are not kept: a bad query is refused afresh every time.
   */
  private readonly queries = new Map<object, Map<string, unknown>>();

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && metadata.metatype && !isPlainObject(value)) {
      throw new ValidationProblemException([{ field: 'body', message: 'must be a JSON object' }]);
    }
    if (metadata.type !== 'query' || !metadata.metatype || !isPlainObject(value)) {
      return super.transform(value, metadata);
    }
    let made = this.queries.get(metadata.metatype);
    if (made === undefined) {
      made = new Map<string, unknown>();
      this.queries.set(metadata.metatype, made);
    }
    const key = JSON.stringify(value);
    if (made.has(key)) return made.get(key);
    const dto: unknown = deepFreeze(await super.transform(value, metadata));
    // Oldest out first: cursors make most deeper pages' queries unique.
    if (made.size >= QUERY_DTOS_KEPT) made.delete(made.keys().next().value as string);
    made.set(key, dto);
    return dto;
  }

  protected override transformPrimitive(value: unknown, metadata: ArgumentMetadata): unknown {
    return metadata.type === 'param' ? value : super.transformPrimitive(value, metadata);
  }
}

/** Query DTOs kept per DTO class (see AppValidationPipe.queries). */
export const QUERY_DTOS_KEPT = 1000;

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
