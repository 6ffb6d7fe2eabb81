import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { checkedUnder, mapPage, type Page } from '../common/paging/page.js';
import type { PageQueryDto } from '../common/paging/page-query.dto.js';
import { defaultSort } from '../common/paging/sort.js';
import { invalidField } from '../common/problems/problem.js';
import { isPostVisibleTo } from '../posts/post-visibility.js';
import { PostsService } from '../posts/posts.service.js';
import { CommentResponse } from './comment.response.js';
import type { ArticleCommentRow } from './comment.row.js';
import { COMMENT_SORT } from './comment-sort.js';
import { CommentsRepository } from './comments.repository.js';
import type { CommentsQueryDto } from './dto/comments-query.dto.js';
import type { CreateCommentDto } from './dto/create-comment.dto.js';

/**
 * Comments follow their post's visibility (a draft's comments exist only for
 * its author). A reply answers a comment of the same post. A comment may be
 * deleted by its author or by the post's author; its replies go with it.
 */
@Injectable()
export class CommentsService {
  constructor(
    private readonly comments: CommentsRepository,
    private readonly posts: PostsService,
  ) {}

  async list(
    postId: number,
    query: CommentsQueryDto,
    viewerId: number | undefined,
  ): Promise<Page<CommentResponse>> {
    // The page holds nothing unless the viewer may see the post (and the parent
    // is one of its comments), so only an empty page pays for telling 404 and
    // 400 from "no comments yet".
    const page = await this.comments.findPage(postId, query.parentId ?? 'top', viewerId, query);
    const checked = await checkedUnder(page, async () => {
      await this.posts.assertVisible(postId, viewerId);
      if (query.parentId !== undefined) await this.assertParent(postId, query.parentId, 'parentId');
    });
    return mapPage(checked, CommentResponse.from);
  }

  async create(postId: number, dto: CreateCommentDto, authorId: number): Promise<CommentResponse> {
    const id = await this.insert(postId, dto, authorId);
    const comment = await this.comments.findById(id);
    if (!comment) throw commentNotFound(id);
    return CommentResponse.from(comment);
  }

  /**
   * The Conduit face's list: every comment of the post, replies included,
   * oldest first, a page at a time; 404 unless the caller may see the post.
   */
  async listFlat(
    postId: number,
    page: PageQueryDto,
    viewerId: number | undefined,
  ): Promise<Page<ArticleCommentRow>> {
    const query = { ...page, sort: defaultSort(COMMENT_SORT) };
    const rows = await this.comments.findPage(postId, 'all', viewerId, query, 'article');
    return checkedUnder(rows, () => this.posts.assertVisible(postId, viewerId));
  }

  /** create(), answered as the Conduit face shows a comment. */
  async createForArticle(
    postId: number,
    dto: CreateCommentDto,
    authorId: number,
  ): Promise<ArticleCommentRow> {
    const id = await this.insert(postId, dto, authorId);
    const comment = await this.comments.findById(id, 'article', authorId);
    if (!comment) throw commentNotFound(id);
    return comment;
  }

  /**
   * Deletes a comment the caller may delete. With `postId` (a path naming the
   * post too), a comment of another post is a 404 like a missing one.
   */
  async delete(id: number, callerId: number, postId?: number): Promise<void> {
    const comment = await this.comments.findAccess(id);
    if (
      !comment ||
      (postId !== undefined && comment.postId !== postId) ||
      !isPostVisibleTo(
        { published: comment.postPublished, authorId: comment.postAuthorId },
        callerId,
      )
    ) {
      throw commentNotFound(id);
    }
    if (comment.authorId !== callerId && comment.postAuthorId !== callerId) {
      throw new ForbiddenException("Only the comment's author or the post's author may delete it.");
    }
    await this.comments.delete(id);
  }

  private async insert(postId: number, dto: CreateCommentDto, authorId: number): Promise<number> {
    await this.posts.assertVisible(postId, authorId);
    if (dto.parentId !== undefined) await this.assertParent(postId, dto.parentId, 'parentId');
    return this.comments.insert(postId, authorId, dto.body, dto.parentId ?? null);
  }

  /** 404 when the parent does not exist; 400 when it belongs to another post. */
  private async assertParent(postId: number, parentId: number, field: string): Promise<void> {
    const parent = await this.comments.findAccess(parentId);
    if (!parent) throw commentNotFound(parentId);
    if (parent.postId !== postId) throw invalidField(field, 'must be a comment of the same post');
  }
}

function commentNotFound(id: number): NotFoundException {
  return new NotFoundException(`Comment ${id} does not exist.`);
}
