import { parseId } from '../common/ids.js';

/** A user named in a request: by id, or by username (matched case-insensitively). */
export type UserRef = { id: number } | { username: string };

/** What a username may be (`POST /api/users` allows no other). */
export const USERNAME_PATTERN = /^[A-Za-z0-9_]{3,30}$/;

/**
 * `author=42` or `author=ada_l`: digits alone are an id (a positive int4),
 * anything else a username. Undefined when it is neither.
 */
export function parseUserRef(text: string): UserRef | undefined {
  if (/^\d+$/.test(text)) {
    const id = parseId(text);
    return id === undefined ? undefined : { id };
  }
  return USERNAME_PATTERN.test(text) ? { username: text } : undefined;
}
