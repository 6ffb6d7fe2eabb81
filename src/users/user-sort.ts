import type { SortSpec } from '../common/paging/sort.js';

/**
 * Sortable fields of GET /api/users, as SQL over alias `u`; followers over
 * `uc`, the user_counters row the list joins when it sorts by them (its index
 * on (followers, user id) serves the order).
 */
export const USER_SORT: SortSpec = {
  fields: {
    username: { expr: 'lower(u.username)', type: 'text' },
    createdAt: { expr: 'u.created_at', type: 'timestamptz' },
    followers: { expr: 'uc.followers', type: 'int' },
  },
  id: { expr: 'u.id', type: 'int' },
  default: '-createdAt',
};
