import { ApiProperty } from '@nestjs/swagger';
import { COUNT_SCHEMA, ID_SCHEMA, TAG_NAME_SCHEMA, USERNAME_SCHEMA } from '../common/api-schema.js';
import type { StatsRow } from './stats.repository.js';

export class MostUsedTag {
  @ApiProperty(TAG_NAME_SCHEMA)
  name!: string;

  @ApiProperty({ ...COUNT_SCHEMA, example: 12 })
  posts!: number;
}

export class MostProlificAuthor {
  @ApiProperty({ ...ID_SCHEMA, example: 1 })
  id!: number;

  @ApiProperty(USERNAME_SCHEMA)
  username!: string;

  @ApiProperty({ ...COUNT_SCHEMA, example: 7 })
  posts!: number;
}

export class MostVotedPost {
  @ApiProperty({ ...ID_SCHEMA, example: 3 })
  id!: number;

  @ApiProperty({ minLength: 1, maxLength: 200, example: 'On the Analytical Engine' })
  title!: string;

  @ApiProperty({ ...COUNT_SCHEMA, example: 42 })
  votes!: number;
}

/** Totals and leaders over published posts (users: every account). */
export class StatsResponse {
  @ApiProperty({ ...COUNT_SCHEMA, description: 'Registered users.' })
  users!: number;

  @ApiProperty({ ...COUNT_SCHEMA, description: 'Published posts.' })
  posts!: number;

  @ApiProperty({ ...COUNT_SCHEMA, description: 'Votes on published posts.' })
  votes!: number;

  @ApiProperty({ ...COUNT_SCHEMA, description: 'Tags carried by at least one published post.' })
  tags!: number;

  @ApiProperty({ ...COUNT_SCHEMA, description: 'Comments (replies included) on published posts.' })
  comments!: number;

  @ApiProperty({
    type: MostUsedTag,
    nullable: true,
    description: 'Carried by the most published posts; ties go to the name first in byte order.',
  })
  mostUsedTag!: MostUsedTag | null;

  @ApiProperty({
    type: MostProlificAuthor,
    nullable: true,
    description: 'Most published posts; ties go to the earliest account.',
  })
  mostProlificAuthor!: MostProlificAuthor | null;

  @ApiProperty({
    type: MostVotedPost,
    nullable: true,
    description:
      'Most voted published post (null while no published post has a vote); ties go to the oldest.',
  })
  mostVotedPost!: MostVotedPost | null;

  static from(this: void, row: StatsRow): StatsResponse {
    return {
      users: row.users,
      posts: row.posts,
      votes: row.votes,
      tags: row.tags,
      comments: row.comments,
      mostUsedTag: row.mostUsedTag && { name: row.mostUsedTag.name, posts: row.mostUsedTag.posts },
      mostProlificAuthor: row.mostProlificAuthor && {
        id: row.mostProlificAuthor.id,
        username: row.mostProlificAuthor.username,
        posts: row.mostProlificAuthor.posts,
      },
      mostVotedPost: row.mostVotedPost && {
        id: row.mostVotedPost.id,
        title: row.mostVotedPost.title,
        votes: row.mostVotedPost.votes,
      },
    };
  }
}
