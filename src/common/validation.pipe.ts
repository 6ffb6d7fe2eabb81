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

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && metadata.metatype && !isPlainObject(value)) {
      throw new ValidationProblemException([{ field: 'body', message: 'must be a JSON object' }]);
    }
    return super.transform(value, metadata);
  }

  protected override transformPrimitive(value: unknown, metadata: ArgumentMetadata): unknown {
    return metadata.type === 'param' ? value : super.transformPrimitive(value, metadata);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
