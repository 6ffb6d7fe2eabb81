import type { SortSpec } from '../common/paging/sort.js';

/** Comments, oldest first by default, as SQL over alias `c`. */
export const COMMENT_SORT: SortSpec = {
  fields: { createdAt: { expr: 'c.created_at', type: 'timestamptz' } },
  id: { expr: 'c.id', type: 'int' },
  default: 'createdAt',
};
