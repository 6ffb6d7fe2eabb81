import type { FieldError } from '../common/problems/problem.js';
import { PROBLEM_LIMITS } from '../common/problems/problem.js';

/**
 * The one rule for the text a request carries (every string of the JSON or
 * form body, its keys, the query parameters and the path parameters): it is
 * well-formed Unicode and holds no NUL. PostgreSQL can store neither a NUL nor
 * a lone UTF-16 surrogate (the driver would silently write U+FFFD for the
 * latter), and validators such as the e-mail check throw on a lone surrogate.
 *
 * Bytes that are not UTF-8 (raw in a body, or percent-encoded in a query) are
 * decoded below as lone surrogates, so this same rule refuses them, naming the
 * field they arrived in.
 */
export function textFault(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain NUL characters';
  if (!text.isWellFormed()) {
    return 'must be well-formed Unicode (UTF-8, with no lone surrogate)';
  }
  return undefined;
}

/**
 * The fields of `value` (a parsed body, query or path parameters) whose text
 * breaks textFault, each named by its path (`tags[2]`, `profile.bio`), and
 * the fields named like a member of Object.prototype (`constructor`,
 * `toString`, `__proto__`): no DTO has such a field, and class-transformer
 * skips them, so the whitelist would never see them and they would be
 * silently ignored. A walk with its own queue, not recursion: the JSON parser
 * bounds the depth, and this does not rely on it.
 */
export function illFormedFields(value: unknown, root = ''): FieldError[] {
  const found: FieldError[] = [];
  const pending: [unknown, string][] = [[value, root]];
  for (let i = 0; i < pending.length && found.length < PROBLEM_LIMITS.errors; i++) {
    const [item, path] = pending[i];
    if (typeof item === 'string') {
      const message = textFault(item);
      if (message) found.push({ field: path || 'body', message });
    } else if (Array.isArray(item)) {
      item.forEach((element, index) => pending.push([element, `${path}[${index}]`]));
    } else if (typeof item === 'object' && item !== null) {
      for (const [key, element] of Object.entries(item)) {
        const field = path ? `${path}.${key}` : key;
        const message = textFault(key);
        // The name itself is unprintable: the field is named by what it can be shown as.
        if (message) found.push({ field: field.toWellFormed(), message: `(name) ${message}` });
        else if (key in Object.prototype) found.push({ field, message: 'is not allowed' });
        else pending.push([element, field]);
      }
    }
  }
  return found;
}

/**
 * UTF-8 bytes as text, with each byte that is not part of a well-formed UTF-8
 * sequence kept as the lone surrogate U+DC80…U+DCFF (Python's
 * "surrogateescape"), instead of the U+FFFD that Buffer#toString would
 * silently substitute. textFault then refuses it.
 */
export function decodeUtf8(bytes: Uint8Array): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let text = '';
  let runStart = 0;
  let i = 0;
  while (i < buffer.length) {
    const length = utf8SequenceLength(buffer, i);
    if (length > 0) {
      i += length;
      continue;
    }
    text += buffer.toString('utf8', runStart, i) + String.fromCharCode(0xdc00 | buffer[i]);
    i += 1;
    runStart = i;
  }
  return text + buffer.toString('utf8', runStart, i);
}

/** The length of the well-formed UTF-8 sequence at `i`, or 0 (RFC 3629: no overlongs, no surrogates). */
function utf8SequenceLength(b: Buffer, i: number): number {
  const lead = b[i];
  if (lead < 0x80) return 1;
  const cont = (k: number, low = 0x80, high = 0xbf) =>
    i + k < b.length && b[i + k] >= low && b[i + k] <= high;
  if (lead >= 0xc2 && lead <= 0xdf) return cont(1) ? 2 : 0;
  if (lead === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if (lead === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (lead >= 0xe1 && lead <= 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (lead === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (lead >= 0xf1 && lead <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (lead === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

const PERCENT_RUN = /(?:%[0-9A-Fa-f]{2})+/g;

/**
 * A query string (or an `application/x-www-form-urlencoded` body) as
 * name → value, or name → values when repeated: the shape of Fastify's own
 * parser, in an object without a prototype. Unlike that parser, percent-encoded
 * bytes that are not UTF-8 (`%FF`, an encoded surrogate `%ED%A0%80`) are not
 * left as the literal `%FF` but decoded by decodeUtf8, so they are refused like
 * the same bytes in a JSON body. A `%` that starts no escape stays literal.
 */
export function parseQueryString(text: string): Record<string, string | string[]> {
  const result = Object.create(null) as Record<string, string | string[]>;
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decodeComponent(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? '' : decodeComponent(pair.slice(eq + 1));
    const existing = result[name];
    if (existing === undefined) result[name] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else result[name] = [existing, value];
  }
  return result;
}

function decodeComponent(text: string): string {
  const spaced = text.includes('+') ? text.replaceAll('+', ' ') : text;
  if (!spaced.includes('%')) return spaced;
  return spaced.replace(PERCENT_RUN, (run) =>
    decodeUtf8(Buffer.from(run.replaceAll('%', ''), 'hex')),
  );
}
