import type { SortSpec } from '../common/paging/sort.js';

/** Sortable fields of GET /api/tags over the per-tag counts `tc`; names are unique, so they break ties. */
// Names compare bytewise (COLLATE "C"), as a post's `tags` are sorted, whatever the database's collation.
export const TAG_SORT: SortSpec = {
  fields: {
    posts: { expr: 'tc.posts', type: 'int' },
    name: { expr: 'tc.name COLLATE "C"', type: 'text' },
  },
  id: { expr: 'tc.name COLLATE "C"', type: 'text' },
  // Most used first; equal counts a→z.
  default: '-posts,name',
};
