import { expect } from '@jest/globals';
import type { Auth, Schemas } from './api.js';
import type { TestApp } from './app.js';

/** Gives `user` a profile with this display name: 201. */
export async function setDisplayName(
  t: TestApp,
  user: { auth: Auth },
  displayName: string,
): Promise<void> {
  await t.http().put('/api/users/me/profile').set(user.auth).send({ displayName }).expect(201);
}

/** `follower` follows `followee`: 201, the User view of the followee it answers. */
export async function follow(
  t: TestApp,
  follower: { auth: Auth },
  followee: { id: number },
): Promise<Schemas['UserResponse']> {
  const res = await t.http().post(`/api/users/${followee.id}/follow`).set(follower.auth);
  expect(res.status).toBe(201);
  return res.body as Schemas['UserResponse'];
}

/** `user` votes for the post: 201. */
export async function vote(t: TestApp, user: { auth: Auth }, postId: number): Promise<void> {
  const res = await t.http().post(`/api/posts/${postId}/votes`).set(user.auth);
  expect(res.status).toBe(201);
}
