import { ValidateIf } from 'class-validator';

/**
 * The field may be left out, but not sent as null. (`@IsOptional()` lets null
 * through, which would write NULL into a NOT NULL column.)
 */
export const IsOmittable = (): PropertyDecorator =>
  ValidateIf((_object: unknown, value: unknown) => value !== undefined);

/** Escapes `%`, `_` and `\` so user text is matched literally by LIKE ... ESCAPE '\'. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
