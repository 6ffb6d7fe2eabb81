import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import type { Page } from '../common/paging/page.js';
import { UsersService } from '../users/users.service.js';
import type { CreatePostDto } from './dto/create-post.dto.js';
import type { AuthorPostsQueryDto, FeedQueryDto, PostsQueryDto } from './dto/posts-query.dto.js';
import type { UpdatePostDto } from './dto/update-post.dto.js';
import { PostResponse } from './post.response.js';
import { PostsRepository, type PostAccess, type PostWriter } from './posts.repository.js';

/**
 * The rules of posts, in one place: a draft exists only for its author (404 for
 * anyone else), and only the author may change a post (403).
 */
@Injectable()
export class PostsService {
  constructor(
    private readonly posts: PostsRepository,
    private readonly users: UsersService,
  ) {}

  async view(id: number, viewerId: number | undefined): Promise<PostResponse> {
    const row = await this.posts.findVisible(id, viewerId);
    if (!row) throw notFound(id);
    return PostResponse.from(row);
  }

  feed(query: FeedQueryDto, viewerId: number): Promise<Page<PostResponse>> {
    return this.posts.findFeed(query, viewerId);
  }

  list(query: PostsQueryDto, viewerId: number | undefined): Promise<Page<PostResponse>> {
    return this.posts.findPage(query, viewerId);
  }

  /** A user's posts (their drafts too, for themselves). 404 when the user does not exist. */
  async listByAuthor(
    authorId: number,
    query: AuthorPostsQueryDto,
    viewerId: number | undefined,
  ): Promise<Page<PostResponse>> {
    const page = await this.posts.findPage({ ...query, author: String(authorId) }, viewerId);
    // An empty page is the only one that cannot tell whether the user exists.
    if (page.data.length === 0 && !(await this.users.exists(authorId))) {
      throw new NotFoundException(`User ${authorId} does not exist.`);
    }
    return page;
  }

  async create(authorId: number, dto: CreatePostDto): Promise<PostResponse> {
    const id = await this.posts.create(
      authorId,
      { title: dto.title, content: dto.content, published: dto.published ?? true },
      dto.tags ?? [],
    );
    return this.view(id, authorId);
  }

  /** Answers the post as this edit left it, even when another edit commits right after. */
  update(id: number, callerId: number, dto: UpdatePostDto): Promise<PostResponse> {
    return this.editOwn(id, callerId, async (writer) => {
      const { tags, ...fields } = dto;
      if (Object.keys(fields).length > 0) await writer.update(fields);
      if (tags !== undefined) await writer.replaceTags(tags);
      return writer.view(callerId);
    });
  }

  /** Deletes the post under its row lock; votes, comments and tag links cascade. */
  async delete(id: number, callerId: number): Promise<void> {
    await this.editOwn(id, callerId, (writer) => writer.delete());
  }

  /**
   * Runs a change to the caller's own post under its row lock: 404 if the caller
   * cannot see it, 403 if they can but it is not theirs.
   */
  editOwn<T>(
    id: number,
    callerId: number,
    change: (writer: PostWriter, post: PostAccess) => Promise<T>,
  ): Promise<T> {
    return this.posts.withLockedPost(id, async (post, writer) => {
      this.assertOwn(id, post, callerId);
      return change(writer, post as PostAccess);
    });
  }

  /** 404 unless the caller may see the post (published, or theirs). */
  async assertVisible(id: number, viewerId: number | undefined): Promise<PostAccess> {
    const post = await this.posts.findAccess(id);
    if (!post || (!post.published && post.authorId !== viewerId)) throw notFound(id);
    return post;
  }

  private assertOwn(id: number, post: PostAccess | undefined, callerId: number): void {
    if (!post || (!post.published && post.authorId !== callerId)) throw notFound(id);
    if (post.authorId !== callerId)
      throw new ForbiddenException('Only the author may change this post.');
  }
}

function notFound(id: number): NotFoundException {
  return new NotFoundException(`Post ${id} does not exist.`);
}
