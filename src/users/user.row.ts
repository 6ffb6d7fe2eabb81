/** A user row with its profile joined (profile columns null when it has none). */
export interface UserRow {
  id: number;
  username: string;
  createdAt: Date;
  profileDisplayName: string | null;
  profileBio: string | null;
  profileAvatarUrl: string | null;
  profileLocation: string | null;
  profileUpdatedAt: Date | null;
}

export interface UserViewRow extends UserRow {
  postsCount: number;
  followersCount: number;
  followingCount: number;
  following: boolean;
}

export interface MeRow extends UserRow {
  email: string;
}

/** A user as lists of people show them (voters, followers): id, username, display name. */
export interface UserSummaryRow {
  id: number;
  username: string;
  displayName: string | null;
}
