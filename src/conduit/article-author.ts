import type { ConduitProfile } from './conduit-profile.response.js';

/** An author's columns as the Conduit read model selects them (article and comment rows). */
export interface AuthorColumns {
  authorUsername: string;
  authorBio: string | null;
  authorImage: string | null;
  authorFollowed: boolean;
}

/** An article's or a comment's author as a Conduit profile, from the row it was read with. */
export function authorProfile(row: AuthorColumns): ConduitProfile {
  return {
    username: row.authorUsername,
    bio: row.authorBio,
    image: row.authorImage,
    following: row.authorFollowed,
  };
}
