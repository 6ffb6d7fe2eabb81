import { ApiProperty } from '@nestjs/swagger';

export class MostUsedTag {
  @ApiProperty({ example: 'math' })
  name!: string;

  @ApiProperty({ type: 'integer', example: 12 })
  posts!: number;
}

export class MostProlificAuthor {
  @ApiProperty({ type: 'integer', example: 1 })
  id!: number;

  @ApiProperty({ example: 'ada_l' })
  username!: string;

  @ApiProperty({ type: 'integer', example: 7 })
  posts!: number;
}

export class MostVotedPost {
  @ApiProperty({ type: 'integer', example: 3 })
  id!: number;

  @ApiProperty({ example: 'On the Analytical Engine' })
  title!: string;

  @ApiProperty({ type: 'integer', example: 42 })
  votes!: number;
}

/** Totals and leaders over published posts (users: every account). */
export class StatsResponse {
  @ApiProperty({ type: 'integer', description: 'Registered users.' })
  users!: number;

  @ApiProperty({ type: 'integer', description: 'Published posts.' })
  posts!: number;

  @ApiProperty({ type: 'integer', description: 'Votes on published posts.' })
  votes!: number;

  @ApiProperty({ type: 'integer', description: 'Tags carried by at least one published post.' })
  tags!: number;

  @ApiProperty({ type: 'integer', description: 'Comments (replies included) on published posts.' })
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

  static from(row: StatsResponse): StatsResponse {
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
