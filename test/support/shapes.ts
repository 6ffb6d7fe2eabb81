import type { Schemas } from './api.js';

/** A timestamp as the API writes it: UTC, with milliseconds. */
export const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** A Post's fields, sorted (what `Object.keys(post).sort()` must give). */
export const POST_KEYS: (keyof Schemas['PostResponse'])[] = [
  'author',
  'comments',
  'content',
  'createdAt',
  'description',
  'id',
  'published',
  'tags',
  'title',
  'updatedAt',
  'voted',
  'votes',
];

/** A user summary's fields (a post's author, a voter, a follower), sorted. */
export const SUMMARY_KEYS: (keyof Schemas['UserSummaryResponse'])[] = [
  'displayName',
  'id',
  'username',
];

/** A User's fields, sorted. */
export const USER_KEYS: (keyof Schemas['UserResponse'])[] = [
  'counts',
  'createdAt',
  'following',
  'id',
  'profile',
  'username',
];
