import type { SortSpec } from '../common/paging/sort.js';

/** Sortable fields of GET /api/tags over `t`, the tags in use (their `posts` kept by triggers); names are unique, so they break ties. */
// Names compare bytewise (COLLATE "C"), as a post's `tags` are sorted, whatever the database's collation.
export const TAG_SORT: SortSpec = {
  fields: {
    posts: { expr: 't.posts', type: 'int' },
    name: { expr: '(t.name COLLATE "C")', type: 'text' },
  },
  id: { expr: '(t.name COLLATE "C")', type: 'text' },
  // Most used first; equal counts a→z.
  default: '-posts,name',
};
