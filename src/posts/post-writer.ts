import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { Post } from './post.entity.js';
import type { PostAccess, PostFields } from './post.row.js';
import { linkTags, tagNamesOf, unlinkTag, unlinkTagsExcept } from './post-tag-links.js';
import { PostsRepository, type PostView, type RowOf } from './posts.repository.js';

/**
 * The writes to posts, and the lock that orders them: creating a post with its
 * tags, and running a change to one post under its row lock.
 */
@Injectable()
export class PostWrites {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly reads: PostsRepository,
  ) {}

  /** Inserts a post and links its tags, in one transaction. Returns the new id. */
  create(authorId: number, fields: PostFields, tags: string[]): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const result = await manager
        .createQueryBuilder()
        .insert()
        .into(Post)
        .values({ authorId, ...fields })
        .returning('id')
        .execute();
      const id = (result.raw as { id: number }[])[0].id;
      await linkTags(manager, id, tags);
      return id;
    });
  }

  /**
   * Runs fn in a transaction holding the post's row lock, so concurrent edits
   * of one post (its fields, its tag set) apply one after the other.
   */
  withLockedPost<T>(
    id: number,
    fn: (post: PostAccess | undefined, writer: PostWriter) => Promise<T>,
  ): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      const post = await this.reads.findAccess(id, manager, true);
      return fn(
        post,
        new PostWriter(manager, id, (viewerId, view) =>
          this.reads.findVisible(id, viewerId, manager, view),
        ),
      );
    });
  }
}

/**
 * Writes to one post inside withLockedPost's transaction. `updated_at` is the
 * clock when the edit applies (not the transaction's start, which may predate
 * the lock wait), so it orders edits the way they were applied.
 */
export class PostWriter {
  constructor(
    private readonly manager: EntityManager,
    private readonly id: number,
    private readonly read: <V extends PostView>(
      viewerId: number,
      view: V,
    ) => Promise<RowOf<V> | undefined>,
  ) {}

  /**
   * The post as this transaction leaves it (still under its lock), so an edit's
   * answer shows that edit, not one committed after it; in /api's view or the
   * Conduit face's.
   */
  async view<V extends PostView = 'post'>(viewerId: number, view?: V): Promise<RowOf<V>> {
    const row = await this.read(viewerId, view ?? ('post' as V));
    if (!row) throw new Error(`Post ${this.id} vanished under its row lock`);
    return row;
  }

  async delete(): Promise<void> {
    await this.manager
      .createQueryBuilder()
      .delete()
      .from(Post)
      .where('id = :id', { id: this.id })
      .execute();
  }

  async update(fields: Partial<PostFields>): Promise<void> {
    await this.manager
      .createQueryBuilder()
      .update(Post)
      .set({ ...fields, updatedAt: () => 'clock_timestamp()' })
      .where('id = :id', { id: this.id })
      .execute();
  }

  /** Replaces the post's tags with exactly these. */
  async replaceTags(tags: string[]): Promise<void> {
    await unlinkTagsExcept(this.manager, this.id, tags);
    await linkTags(this.manager, this.id, tags);
    await this.touch();
  }

  tagNames(): Promise<string[]> {
    return tagNamesOf(this.manager, this.id);
  }

  async addTag(name: string): Promise<void> {
    await linkTags(this.manager, this.id, [name]);
    await this.touch();
  }

  /** Unlinks the tag; false when the post did not carry it. */
  async removeTag(name: string): Promise<boolean> {
    const removed = await unlinkTag(this.manager, this.id, name);
    if (removed) await this.touch();
    return removed;
  }

  private async touch(): Promise<void> {
    await this.manager.query('UPDATE posts SET updated_at = clock_timestamp() WHERE id = $1', [
      this.id,
    ]);
  }
}
