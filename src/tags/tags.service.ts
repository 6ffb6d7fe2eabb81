import { Injectable, NotFoundException } from '@nestjs/common';
import { mapPage, type Page } from '../common/paging/page.js';
import { invalidField } from '../common/problems/problem.js';
import { PostResponse } from '../posts/post.response.js';
import { PostsService } from '../posts/posts.service.js';
import type { TagsQueryDto } from './dto/tags-query.dto.js';
import { MAX_TAGS_PER_POST } from './tag-name.js';
import { TagResponse } from './tag.response.js';
import { TagsRepository } from './tags.repository.js';

@Injectable()
export class TagsService {
  constructor(
    private readonly tags: TagsRepository,
    private readonly posts: PostsService,
  ) {}

  async list(query: TagsQueryDto): Promise<Page<TagResponse>> {
    return mapPage(await this.tags.findPage(query), TagResponse.from);
  }

  /** Every tag some published post carries, sorted by name. */
  namesInUse(): Promise<string[]> {
    return this.tags.findNamesInUse();
  }

  async get(name: string): Promise<TagResponse> {
    const tag = await this.tags.findOne(name);
    if (!tag) throw new NotFoundException(`No published post carries the tag ${name}.`);
    return TagResponse.from(tag);
  }

  /** Idempotent: a tag already on the post changes nothing. At most 10 tags, checked under the post's lock. */
  async addToPost(postId: number, name: string, callerId: number): Promise<PostResponse> {
    const post = await this.posts.editOwn(postId, callerId, async (writer) => {
      const current = await writer.tagNames();
      if (!current.includes(name)) {
        if (current.length >= MAX_TAGS_PER_POST) {
          throw invalidField(
            'name',
            `the post already has ${MAX_TAGS_PER_POST} tags, the most it may have`,
          );
        }
        await writer.addTag(name);
      }
      return writer.view(callerId);
    });
    return PostResponse.from(post);
  }

  async removeFromPost(postId: number, name: string, callerId: number): Promise<void> {
    await this.posts.editOwn(postId, callerId, async (writer) => {
      if (!(await writer.removeTag(name))) {
        throw new NotFoundException(`Post ${postId} does not carry the tag ${name}.`);
      }
    });
  }
}
