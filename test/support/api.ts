import { expect } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import type { components } from '../../client/agora-api.js';
import type { TestApp } from './app.js';

/**
 * The API's schemas as `npm run client:generate` types them from openapi.json
 * (test/openapi.e2e-spec.ts keeps both equal to what Agora serves): a helper
 * below that sends or reads a field the contract no longer has stops compiling.
 */
export type Schemas = components['schemas'];

/** The header a registered user's requests carry. */
export type Auth = { Authorization: string };

let sequence = 0;

/** A username no other test uses (tests share one database). */
export function uniqueName(prefix = 'u'): string {
  sequence += 1;
  return `${prefix}${sequence}_${randomBytes(5).toString('hex')}`.slice(0, 30);
}

export interface RegisteredUser {
  id: number;
  email: string;
  username: string;
  password: string;
  token: string;
  auth: Auth;
}

/** Registers a user through the API and logs them in. */
export async function registerUser(
  t: TestApp,
  overrides: Partial<{ email: string; username: string; password: string }> = {},
): Promise<RegisteredUser> {
  const username = overrides.username ?? uniqueName();
  const body: Schemas['CreateUserDto'] = {
    email: overrides.email ?? `${username.toLowerCase()}@example.com`,
    username,
    password: overrides.password ?? 'correct horse battery',
  };
  const created = await t.http().post('/api/users').send(body).expect(201);
  const token = await login(t, username, body.password);
  return {
    id: (created.body as Schemas['UserResponse']).id,
    email: body.email,
    username,
    password: body.password,
    token,
    auth: { Authorization: `Bearer ${token}` },
  };
}

export async function login(t: TestApp, username: string, password: string): Promise<string> {
  const body: Schemas['LoginDto'] = { username, password };
  const res = await t.http().post('/api/auth/login').send(body).expect(200);
  return (res.body as Schemas['TokenResponse']).accessToken;
}

/** Creates a post as `user` (title and content filled in unless given): 201, the Post it answers. */
export async function createPostAs(
  t: TestApp,
  user: { auth: Auth },
  fields: Partial<Schemas['CreatePostDto']> = {},
): Promise<Schemas['PostResponse']> {
  const body: Schemas['CreatePostDto'] = { title: 'A title', content: 'Some content', ...fields };
  const res = await t.http().post('/api/posts').set(user.auth).send(body);
  if (res.status !== 201) {
    throw new Error(`POST /api/posts answered ${res.status}: ${JSON.stringify(res.body)}`);
  }
  return res.body as Schemas['PostResponse'];
}

/** Asserts an RFC 9457 problem response and returns its body. */
export function expectProblem(res: HttpResult, status: number): Record<string, unknown> {
  if (res.status !== status) {
    throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  }
  if (!String(res.headers['content-type']).startsWith('application/problem+json')) {
    throw new Error(`expected application/problem+json, got ${res.headers['content-type']}`);
  }
  for (const key of ['type', 'title', 'status', 'detail']) {
    if (!(key in res.body)) throw new Error(`problem lacks ${key}: ${JSON.stringify(res.body)}`);
  }
  if (res.body.status !== status)
    throw new Error(`problem status ${String(res.body.status)} != ${status}`);
  return res.body;
}

/** What the assertions read of a supertest response. */
export interface HttpResult {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

/** Asserts a 400 problem whose `errors` names each of `fields`. */
export function expectInvalid(res: HttpResult, ...fields: string[]): void {
  const body = expectProblem(res, 400);
  expect(Array.isArray(body.errors)).toBe(true);
  expect((body.errors as unknown[]).length).toBeGreaterThan(0);
  for (const field of fields) {
    expect(body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field, message: expect.stringMatching(/\S/) }),
      ]),
    );
  }
}

/** A lowercase text no other test's posts, comments or tags contain (13 characters, a valid tag name). */
export function marker(): string {
  return `m${randomBytes(6).toString('hex')}`;
}

/** Replaces the character at `index` with a different base64url character (a tampered cursor). */
export function flipAt(text: string, index: number): string {
  const i = index < 0 ? text.length + index : index;
  const replacement = text[i] === 'A' ? 'B' : 'A';
  return `${text.slice(0, i)}${replacement}${text.slice(i + 1)}`;
}
