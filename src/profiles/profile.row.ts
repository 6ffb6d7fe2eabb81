/** Profile columns as a row carries them (from the profiles table or a join). */
export interface ProfileRow {
  displayName: string;
  bio: string | null;
  avatarUrl: string | null;
  location: string | null;
  updatedAt: Date;
}
