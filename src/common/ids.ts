import { INT4_MAX } from './api-schema.js';

/**
 * An id as text: a positive int4 in plain decimal, or undefined. `0x10`,
 * `1e3`, `007`, `-1`, `１` and `99999999999` are not ids (never coerced to
 * another id, never sent to SQL, where a value past int4 would fail).
 */
export function parseId(text: string): number | undefined {
  if (!/^[1-9]\d{0,9}$/.test(text)) return undefined;
  const id = Number(text);
  return id <= INT4_MAX ? id : undefined;
}
