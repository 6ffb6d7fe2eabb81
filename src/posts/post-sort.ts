import type { SortSpec } from '../common/paging/sort.js';

/**
 * Sortable fields of the post lists, as SQL over alias `p`. Votes and comments
 * sort by the counters triggers keep equal to those counts (`pc`, the
 * post_counters row the list joins when it sorts by them), over indexes on
 * (counter, post id), so no sort aggregates the votes or comments tables.
 */
export const POST_SORT: SortSpec = {
  fields: {
    createdAt: { expr: 'p.created_at', type: 'timestamptz' },
    votes: { expr: 'pc.votes', type: 'int' },
    title: { expr: 'lower(p.title)', type: 'text' },
    comments: { expr: 'pc.comments', type: 'int' },
  },
  id: { expr: 'p.id', type: 'int' },
  default: '-createdAt',
};

/** The feed is newest first only. */
export const FEED_SORT: SortSpec = {
  fields: { createdAt: POST_SORT.fields.createdAt },
  id: POST_SORT.id,
  default: '-createdAt',
};
