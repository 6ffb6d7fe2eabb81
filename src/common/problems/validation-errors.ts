import type { ValidationError } from 'class-validator';
import { ValidationProblemException, type FieldError } from './problem.js';

/** Flattens class-validator's tree into one `{ field, message }` per broken field. */
export function toFieldErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const result: FieldError[] = [];
  for (const error of errors) {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const messages = Object.entries(error.constraints ?? {}).map(([name, message]) =>
      humanise(name, message, error.property),
    );
    if (messages.length > 0) result.push({ field: field || 'body', message: messages.join('; ') });
    if (error.children?.length) result.push(...toFieldErrors(error.children, field));
  }
  return result;
}

function humanise(constraint: string, message: string, property: string | undefined): string {
  if (constraint === 'whitelistValidation') return 'is not allowed';
  if (constraint === 'unknownValue') return 'must be a JSON object';
  // class-validator starts its messages with the property name; `field` says it already.
  if (property && message.startsWith(`${property} `)) return message.slice(property.length + 1);
  return message;
}

export function validationExceptionFactory(errors: ValidationError[]): ValidationProblemException {
  return new ValidationProblemException(toFieldErrors(errors));
}
