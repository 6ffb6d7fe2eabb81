import { ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import { validationExceptionFactory } from './problems/validation-errors.js';

/**
 * The global pipe: whitelisted DTOs, unknown properties refused, problems in
 * Agora's `errors` shape. Path parameters are left as text for their own pipes
 * (ParseIdPipe): the stock pipe would first turn `0x10` into 16 and `1e3` into 1000.
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

  protected override transformPrimitive(value: unknown, metadata: ArgumentMetadata): unknown {
    return metadata.type === 'param' ? value : super.transformPrimitive(value, metadata);
  }
}
