import { UsersAndProfiles1763900000000 } from './1763900000000-users-and-profiles.js';
import { PostsVotesTags1763900100000 } from './1763900100000-posts-votes-tags.js';
import { FollowsComments1763900200000 } from './1763900200000-follows-comments.js';
import { MaintainedCounters1763900300000 } from './1763900300000-maintained-counters.js';
import { RecountOnlyDrifted1763900400000 } from './1763900400000-recount-only-drifted.js';
import { FeedCounts1763900500000 } from './1763900500000-feed-counts.js';
import { BoundedCost1763900600000 } from './1763900600000-bounded-cost.js';
import { StatsCounters1763900700000 } from './1763900700000-stats-counters.js';
import { PostsPublishedByAuthor1763900800000 } from './1763900800000-posts-published-by-author.js';
import { PostSlugDescription1764000000000 } from './1764000000000-post-slug-description.js';
import { FeedWalkIndex1764100000000 } from './1764100000000-feed-walk-index.js';
import { PostTagsCreated1764200000000 } from './1764200000000-post-tags-created.js';
import { CommentsPostCreated1764300000000 } from './1764300000000-comments-post-created.js';

/**
 * Every migration, in order. Listed rather than globbed so the app, the CLI and
 * the tests load exactly the same set under ESM. Add new ones here.
 */
export const migrations = [
  UsersAndProfiles1763900000000,
  PostsVotesTags1763900100000,
  FollowsComments1763900200000,
  MaintainedCounters1763900300000,
  RecountOnlyDrifted1763900400000,
  FeedCounts1763900500000,
  BoundedCost1763900600000,
  StatsCounters1763900700000,
  PostsPublishedByAuthor1763900800000,
  PostSlugDescription1764000000000,
  FeedWalkIndex1764100000000,
  PostTagsCreated1764200000000,
  CommentsPostCreated1764300000000,
];
