import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { defaultSort } from '../common/paging/sort.js';
import { CommentsService } from '../comments/comments.service.js';
import { FEED_SORT, POST_SORT } from '../posts/post-sort.js';
import { PostsService } from '../posts/posts.service.js';
import { VotesService } from '../votes/votes.service.js';
import { MultipleArticlesResponse, SingleArticleResponse } from './article.response.js';
import { MultipleCommentsResponse, SingleCommentResponse } from './comment.response.js';
import { conduitForbidden, conduitNotFound } from './conduit-errors.js';
import type {
  ArticlesQueryDto,
  CommentsQueryDto,
  ConduitPageQueryDto,
} from './dto/articles-query.dto.js';
import type { NewArticleDto, UpdateArticleDto } from './dto/article-body.dto.js';
import type { NewCommentDto } from './dto/comment-body.dto.js';

/**
 * Conduit's articles, favourites and comments over Agora's posts, votes and
 * comments: every rule (visibility of drafts, ownership, conflicts), statement
 * and transaction is theirs; this maps Conduit's names and shapes onto them,
 * and their 404 and 403 onto Conduit's errors.
 */
@Injectable()
export class ConduitArticlesService {
  constructor(
    private readonly posts: PostsService,
    private readonly votes: VotesService,
    private readonly comments: CommentsService,
  ) {}

  /** GET /api/posts's list, newest first, with its total as `articlesCount`. */
  async list(
    query: ArticlesQueryDto,
    viewerId: number | undefined,
  ): Promise<MultipleArticlesResponse> {
    const page = await this.posts.listArticles(
      {
        limit: query.limit,
        offset: query.offset,
        tag: query.tag === undefined ? undefined : [query.tag],
        // Conduit names authors by username only (an all-digit one too).
        author: query.author === undefined ? undefined : { username: query.author },
        votedBy: query.favorited,
        sort: defaultSort(POST_SORT),
      },
      viewerId,
    );
    return MultipleArticlesResponse.from(page);
  }

  async feed(query: ConduitPageQueryDto, viewerId: number): Promise<MultipleArticlesResponse> {
    const page = await this.posts.feedArticles(
      { ...query, sort: defaultSort(FEED_SORT) },
      viewerId,
    );
    return MultipleArticlesResponse.from(page);
  }

  async view(slug: string, viewerId: number | undefined): Promise<SingleArticleResponse> {
    const row = await this.posts.findArticle(slug, viewerId);
    if (!row) throw conduitNotFound('article');
    return SingleArticleResponse.from(row);
  }

  /** Published: Conduit has no drafts. */
  async create(authorId: number, { article }: NewArticleDto): Promise<SingleArticleResponse> {
    const row = await this.posts.createArticle(authorId, {
      title: article.title,
      description: article.description,
      content: article.body,
      published: true,
      tags: article.tagList,
    });
    return SingleArticleResponse.from(row);
  }

  async update(
    slug: string,
    callerId: number,
    { article }: UpdateArticleDto,
  ): Promise<SingleArticleResponse> {
    // Only the fields sent: one left out stays as it is.
    const edit = sentOnly({
      title: article.title,
      description: article.description,
      content: article.body,
      tags: article.tagList,
    });
    const row = await asConduit('article', this.posts.updateArticle(slug, callerId, edit));
    return SingleArticleResponse.from(row);
  }

  async delete(slug: string, callerId: number): Promise<void> {
    await asConduit('article', this.posts.deleteArticle(slug, callerId));
  }

  /**
   * A vote, whether or not there was one (a second favourite is a harmless
   * 200 in Conduit, where /api answers 409), then the article as it is now.
   */
  async favorite(slug: string, userId: number): Promise<SingleArticleResponse> {
    return asConduit('article', async () => {
      const id = await this.posts.idOfSlug(slug);
      await this.votes.ensureVoted(id, userId);
      return SingleArticleResponse.from(await this.posts.viewArticle(id, userId));
    });
  }

  async unfavorite(slug: string, userId: number): Promise<SingleArticleResponse> {
    return asConduit('article', async () => {
      const id = await this.posts.idOfSlug(slug);
      await this.votes.ensureNotVoted(id, userId);
      return SingleArticleResponse.from(await this.posts.viewArticle(id, userId));
    });
  }

  async listComments(
    slug: string,
    query: CommentsQueryDto,
    viewerId: number | undefined,
  ): Promise<MultipleCommentsResponse> {
    return asConduit('article', async () => {
      const id = await this.posts.idOfSlug(slug);
      return MultipleCommentsResponse.from(await this.comments.listFlat(id, query, viewerId));
    });
  }

  async addComment(
    slug: string,
    { comment }: NewCommentDto,
    authorId: number,
  ): Promise<SingleCommentResponse> {
    return asConduit('article', async () => {
      const id = await this.posts.idOfSlug(slug);
      const row = await this.comments.createForArticle(id, { body: comment.body }, authorId);
      return SingleCommentResponse.from(row);
    });
  }

  /** 404 for the article first, then for a comment that is not one of its own. */
  async deleteComment(slug: string, commentId: number, callerId: number): Promise<void> {
    const postId = await asConduit('article', this.posts.idOfSlug(slug));
    await asConduit('comment', this.comments.delete(commentId, callerId, postId));
  }
}

/**
 * Agora's 404 and 403 (from the posts, votes and comments rules) in Conduit's
 * words for `resource`; anything else passes through.
 */
async function asConduit<T>(
  resource: 'article' | 'comment',
  work: Promise<T> | (() => Promise<T>),
): Promise<T> {
  try {
    return await (typeof work === 'function' ? work() : work);
  } catch (error) {
    if (error instanceof NotFoundException) throw conduitNotFound(resource);
    if (error instanceof ForbiddenException) throw conduitForbidden(resource);
    throw error;
  }
}

/** The fields that were sent (a field left out is undefined after validation). */
function sentOnly<T extends object>(fields: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(fields).filter(([, value]) => value !== undefined),
  ) as Partial<T>;
}
