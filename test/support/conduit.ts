import { expect } from '@jest/globals';
import { uniqueName, type HttpResult, type Schemas } from './api.js';
import type { TestApp } from './app.js';

/** Where the Conduit face is mounted. */
export const CONDUIT = '/conduit/api';

/** A user registered through the Conduit face, with the header its requests carry. */
export interface ConduitUser {
  id: number;
  username: string;
  email: string;
  password: string;
  token: string;
  /** `Token <jwt>`, as Conduit clients send it. */
  auth: { Authorization: string };
  /** The same token as /api takes it. */
  bearer: { Authorization: string };
}

/** Registers a user with `POST /conduit/api/users`: 201, signed in with `Token <jwt>`. */
export async function registerConduitUser(
  t: TestApp,
  overrides: Partial<{ username: string; email: string; password: string }> = {},
): Promise<ConduitUser> {
  const username = overrides.username ?? uniqueName('c');
  const user = {
    username,
    email: overrides.email ?? `${username.toLowerCase()}@example.com`,
    password: overrides.password ?? 'correct horse battery',
  };
  const res = await t.http().post(`${CONDUIT}/users`).send({ user });
  if (res.status !== 201) {
    throw new Error(`POST ${CONDUIT}/users answered ${res.status}: ${JSON.stringify(res.body)}`);
  }
  const body = res.body as Schemas['ConduitUserResponse'];
  const rows: { id: number }[] = await t.db.query(
    'SELECT id FROM users WHERE lower(username) = lower($1)',
    [username],
  );
  return {
    id: rows[0].id,
    ...user,
    token: body.user.token,
    auth: { Authorization: `Token ${body.user.token}` },
    bearer: { Authorization: `Bearer ${body.user.token}` },
  };
}

/**
 * Asserts a Conduit error: the status, a JSON `{ errors }` body and, when
 * given, exactly these errors.
 */
export function expectConduitError(
  res: HttpResult,
  status: number,
  errors?: Record<string, string[]>,
): Record<string, string[]> {
  if (res.status !== status) {
    throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  }
  expect(String(res.headers['content-type'])).toMatch(/^application\/json/);
  expect(Object.keys(res.body)).toEqual(['errors']);
  const found = res.body.errors as Record<string, string[]>;
  if (errors) expect(found).toEqual(errors);
  return found;
}
