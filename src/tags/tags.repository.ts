import { Injectable } from '@nestjs/common';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { UNCOUNTED, type Page } from '../common/paging/page.js';
import type { PageQueryDto } from '../common/paging/page-query.dto.js';
import { Paginator } from '../common/paging/paginator.js';
import type { SortTerm } from '../common/paging/sort.js';
import { ReadRouting } from '../database/read-routing.js';
import { Tag } from './tag.entity.js';

/** A tag and its count of published posts. */
export interface TagRow {
  name: string;
  posts: number;
}

@Injectable()
export class TagsRepository {
  constructor(
    private readonly reads: ReadRouting,
    private readonly paginator: Paginator,
  ) {}

  /**
   * Tags with their count of published posts, as the triggers keep it; a tag
   * no published post carries is not listed. Sorted over the index of tags in
   * use; a prefix search is not counted (the API's totals rule), the rest up
   * to the cap.
   */
  findPage(query: PageQueryDto & { search?: string; sort: SortTerm[] }): Promise<Page<TagRow>> {
    return this.paginator.run(
      {
        scope: 'tags',
        base: () => this.inUse(query.search),
        select: (qb) => qb.select(['t.name AS name', 't.posts AS posts']),
        sort: query.sort,
        total: query.search ? () => Promise.resolve(UNCOUNTED) : undefined,
      },
      query,
    );
  }

  findOne(name: string): Promise<TagRow | undefined> {
    return this.inUse()
      .select(['t.name AS name', 't.posts AS posts'])
      .andWhere('t.name = :name', { name })
      .getRawOne<TagRow>();
  }

  /** The name of every tag in use, by name (the Conduit face's `GET /tags`: all of them, not a page). */
  async findNamesInUse(): Promise<string[]> {
    const rows = await this.inUse()
      .select('t.name', 'name')
      .orderBy('t.name')
      .getRawMany<{ name: string }>();
    return rows.map((row) => row.name);
  }

  /** FROM tags WHERE some published post carries it (and its name starts with `prefix`). */
  private inUse(prefix?: string): SelectQueryBuilder<ObjectLiteral> {
    const qb = this.reads.source().createQueryBuilder().from(Tag, 't').where('t.posts > 0');
    // The query DTO allows only a-z, 0-9 and - in a prefix, so it has no LIKE wildcards to escape.
    if (prefix) qb.andWhere('t.name LIKE :prefix', { prefix: `${prefix}%` });
    return qb;
  }
}
