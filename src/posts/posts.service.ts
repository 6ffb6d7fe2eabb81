import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { checkedUnder, mapPage, type Page } from '../common/paging/page.js';
import type { PageQueryDto } from '../common/paging/page-query.dto.js';
import type { SortTerm } from '../common/paging/sort.js';
import { UsersService } from '../users/users.service.js';
import type { CreatePostDto } from './dto/create-post.dto.js';
import type { AuthorPostsQueryDto, FeedQueryDto, PostsQueryDto } from './dto/posts-query.dto.js';
import type { UpdatePostDto } from './dto/update-post.dto.js';
import { PostResponse } from './post.response.js';
import type { ArticleRow, PostAccess } from './post.row.js';
import { isPostVisibleTo } from './post-visibility.js';
import { PostWrites, type PostWriter } from './post-writer.js';
import { PostsRepository, type PostListQuery } from './posts.repository.js';

/**
 * The rules of posts, in one place: a draft exists only for its author (404 for
 * anyone else, post-visibility.ts), and only the author may change a post (403).
 */
@Injectable()
export class PostsService {
  constructor(
    private readonly posts: PostsRepository,
    private readonly writes: PostWrites,
    private readonly users: UsersService,
  ) {}

  async view(id: number, viewerId: number | undefined): Promise<PostResponse> {
    const row = await this.posts.findVisible(id, viewerId);
    if (!row) throw notFound(id);
    return PostResponse.from(row);
  }

  async feed(query: FeedQueryDto, viewerId: number): Promise<Page<PostResponse>> {
    return mapPage(await this.posts.findFeed(query, viewerId), PostResponse.from);
  }

  async list(query: PostsQueryDto, viewerId: number | undefined): Promise<Page<PostResponse>> {
    return mapPage(await this.posts.findPage(query, viewerId), PostResponse.from);
  }

  /** A user's posts (their drafts too, for themselves). 404 when the user does not exist. */
  async listByAuthor(
    authorId: number,
    query: AuthorPostsQueryDto,
    viewerId: number | undefined,
  ): Promise<Page<PostResponse>> {
    const page = await this.posts.findPage({ ...query, author: { id: authorId } }, viewerId);
    return mapPage(
      await checkedUnder(page, () => this.users.assertExists(authorId)),
      PostResponse.from,
    );
  }

  async create(authorId: number, dto: CreatePostDto): Promise<PostResponse> {
    return this.view(await this.insert(authorId, dto), authorId);
  }

  /** Answers the post as this edit left it, even when another edit commits right after. */
  async update(id: number, callerId: number, dto: UpdatePostDto): Promise<PostResponse> {
    const row = await this.editOwn(id, callerId, async (writer) => {
      await applyEdit(writer, dto);
      return writer.view(callerId);
    });
    return PostResponse.from(row);
  }

  // The Conduit face's reads and writes: the same rules, statements and
  // transactions as above, answering rows in the article view (the face maps
  // them). Posts are named by slug there; an unknown slug is a 404 here.

  /** The article with this slug, if the caller may see it: one statement. */
  async findArticle(slug: string, viewerId: number | undefined): Promise<ArticleRow | undefined> {
    return isSlug(slug) ? this.posts.findVisibleBySlug(slug, viewerId) : undefined;
  }

  /** The post list of GET /api/posts (its filters, visibility and total), as article list items. */
  listArticles(query: PostListQuery, viewerId: number | undefined): Promise<Page<ArticleRow>> {
    return this.posts.findPage(query, viewerId, 'article-item');
  }

  /** The feed of GET /api/feed, as article list items. */
  feedArticles(
    query: PageQueryDto & { sort: SortTerm[] },
    viewerId: number,
  ): Promise<Page<ArticleRow>> {
    return this.posts.findFeed(query, viewerId, 'article-item');
  }

  async createArticle(authorId: number, dto: CreatePostDto): Promise<ArticleRow> {
    const id = await this.insert(authorId, dto);
    return this.viewArticle(id, authorId);
  }

  /** The post with this id as an article; 404 unless the caller may see it. */
  async viewArticle(id: number, viewerId: number | undefined): Promise<ArticleRow> {
    const row = await this.posts.findVisible(id, viewerId, undefined, 'article');
    if (!row) throw notFound(id);
    return row;
  }

  async updateArticle(slug: string, callerId: number, dto: UpdatePostDto): Promise<ArticleRow> {
    return this.editOwn(await this.idOfSlug(slug), callerId, async (writer) => {
      await applyEdit(writer, dto);
      return writer.view(callerId, 'article');
    });
  }

  async deleteArticle(slug: string, callerId: number): Promise<void> {
    await this.delete(await this.idOfSlug(slug), callerId);
  }

  /**
   * The id the slug names, for the rules that follow it (visibility, ownership,
   * votes, comments): 404 when no post has it.
   */
  async idOfSlug(slug: string): Promise<number> {
    const id = isSlug(slug) ? await this.posts.findIdBySlug(slug) : undefined;
    if (id === undefined) throw new NotFoundException(`No post has the slug ${slug}.`);
    return id;
  }

  private insert(authorId: number, dto: CreatePostDto): Promise<number> {
    return this.writes.create(
      authorId,
      {
        title: dto.title,
        description: dto.description ?? null,
        content: dto.content,
        published: dto.published ?? true,
      },
      dto.tags ?? [],
    );
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
    return this.writes.withLockedPost(id, async (post, writer) => {
      if (!post || !isPostVisibleTo(post, callerId)) throw notFound(id);
      if (post.authorId !== callerId) {
        throw new ForbiddenException('Only the author may change this post.');
      }
      return change(writer, post);
    });
  }

  /** 404 unless the caller may see the post (published, or theirs). */
  async assertVisible(id: number, viewerId: number | undefined): Promise<PostAccess> {
    const post = await this.posts.findAccess(id);
    if (!post || !isPostVisibleTo(post, viewerId)) throw notFound(id);
    return post;
  }
}

/**
 * What the database's post_slug() can make (migration 1764000000000): other
 * text names no post, and is answered without a statement.
 */
function isSlug(text: string): boolean {
  return /^[a-z0-9-]{1,100}$/.test(text);
}

/** An edit's fields, then its tag set (`tags` replaces the whole set; left out, kept). */
async function applyEdit(writer: PostWriter, dto: UpdatePostDto): Promise<void> {
  const { tags, ...fields } = dto;
  if (Object.keys(fields).length > 0) await writer.update(fields);
  if (tags !== undefined) await writer.replaceTags(tags);
}

function notFound(id: number): NotFoundException {
  return new NotFoundException(`Post ${id} does not exist.`);
}
