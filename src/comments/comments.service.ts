import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { checkedUnder, mapPage, type Page } from '../common/paging/page.js';
import { invalidField } from '../common/problems/problem.js';
import { isPostVisibleTo } from '../posts/post-visibility.js';
import { PostsService } from '../posts/posts.service.js';
import { CommentResponse } from './comment.response.js';
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
    const page = await this.comments.findPage(postId, query.parentId, viewerId, query);
    const checked = await checkedUnder(page, async () => {
      await this.posts.assertVisible(postId, viewerId);
      if (query.parentId !== undefined) await this.assertParent(postId, query.parentId, 'parentId');
    });
    return mapPage(checked, CommentResponse.from);
  }

  async create(postId: number, dto: CreateCommentDto, authorId: number): Promise<CommentResponse> {
    await this.posts.assertVisible(postId, authorId);
    if (dto.parentId !== undefined) await this.assertParent(postId, dto.parentId, 'parentId');
    const id = await this.comments.insert(postId, authorId, dto.body, dto.parentId ?? null);
    const comment = await this.comments.findById(id);
    if (!comment) throw new NotFoundException(`Comment ${id} does not exist.`);
    return CommentResponse.from(comment);
  }

  async delete(id: number, callerId: number): Promise<void> {
    const comment = await this.comments.findAccess(id);
    if (
      !comment ||
      !isPostVisibleTo(
        { published: comment.postPublished, authorId: comment.postAuthorId },
        callerId,
      )
    ) {
      throw new NotFoundException(`Comment ${id} does not exist.`);
    }
    if (comment.authorId !== callerId && comment.postAuthorId !== callerId) {
      throw new ForbiddenException("Only the comment's author or the post's author may delete it.");
    }
    await this.comments.delete(id);
  }

  /** 404 when the parent does not exist; 400 when it belongs to another post. */
  private async assertParent(postId: number, parentId: number, field: string): Promise<void> {
    const parent = await this.comments.findAccess(parentId);
    if (!parent) throw new NotFoundException(`Comment ${parentId} does not exist.`);
    if (parent.postId !== postId) throw invalidField(field, 'must be a comment of the same post');
  }
}
