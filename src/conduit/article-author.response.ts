import { ApiProperty } from '@nestjs/swagger';
import { USERNAME_SCHEMA } from '../common/api-schema.js';

/** The columns of an author as the Conduit read model selects them (article and comment rows). */
export interface AuthorColumns {
  authorUsername: string;
  authorBio: string | null;
  authorImage: string | null;
  authorFollowed: boolean;
}

/** An article's or a comment's author, as Conduit's profile: bio and image from the Agora profile. */
export class ArticleAuthorResponse {
  @ApiProperty(USERNAME_SCHEMA)
  username!: string;

  @ApiProperty({
    type: 'string',
    nullable: true,
    maxLength: 500,
    description: 'The profile’s bio; null without one.',
  })
  bio!: string | null;

  @ApiProperty({
    type: 'string',
    nullable: true,
    maxLength: 500,
    description: 'The profile’s avatar URL; null without one.',
  })
  image!: string | null;

  @ApiProperty({ description: 'Whether you follow them; false when anonymous.' })
  following!: boolean;

  static from(this: void, row: AuthorColumns): ArticleAuthorResponse {
    return {
      username: row.authorUsername,
      bio: row.authorBio,
      image: row.authorImage,
      following: row.authorFollowed,
    };
  }
}
