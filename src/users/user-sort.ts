import type { SortSpec } from '../common/paging/sort.js';

/** The user's followers and followees, counted by SQL over alias `u`. */
export const FOLLOWERS_SQL = '(SELECT COUNT(*)::int FROM follows fr WHERE fr.followee_id = u.id)';
export const FOLLOWING_SQL = '(SELECT COUNT(*)::int FROM follows fg WHERE fg.follower_id = u.id)';

/** Sortable fields of GET /api/users, as SQL over alias `u`. */
export const USER_SORT: SortSpec = {
  fields: {
    username: { expr: 'lower(u.username)', type: 'text' },
    createdAt: { expr: 'u.created_at', type: 'timestamptz' },
    followers: { expr: FOLLOWERS_SQL, type: 'int' },
  },
  id: { expr: 'u.id', type: 'int' },
  default: '-createdAt',
};
