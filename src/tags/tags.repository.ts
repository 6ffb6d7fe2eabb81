import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type ObjectLiteral, type SelectQueryBuilder } from 'typeorm';
import type { Page } from '../common/paging/page.js';
import type { PageQueryDto } from '../common/paging/page-query.dto.js';
import { Paginator } from '../common/paging/paginator.js';
import type { SortTerm } from '../common/paging/sort.js';

/** A tag and its count of published posts. */
export interface TagRow {
  name: string;
  posts: number;
}

@Injectable()
export class TagsRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly paginator: Paginator,
  ) {}

  /** Tags with their count of published posts; a tag no published post carries is not listed. */
  findPage(query: PageQueryDto & { search?: string; sort: SortTerm[] }): Promise<Page<TagRow>> {
    return this.paginator.run(
      {
        scope: 'tags',
        base: () => this.counted(query.search),
        select: (qb) => qb.select(['tc.name AS name', 'tc.posts AS posts']),
        sort: query.sort,
      },
      query,
    );
  }

  findOne(name: string): Promise<TagRow | undefined> {
    return this.counted(undefined, name)
      .select(['tc.name AS name', 'tc.posts AS posts'])
      .getRawOne<TagRow>();
  }

  /** FROM (tags counted over published posts) tc. The inner join drops tags without any. */
  private counted(prefix?: string, name?: string): SelectQueryBuilder<ObjectLiteral> {
    const inner = this.dataSource
      .createQueryBuilder()
      .select('t.name', 'name')
      .addSelect('COUNT(*)::int', 'posts')
      .from('tags', 't')
      .innerJoin('post_tags', 'pt', 'pt.tag_id = t.id')
      .innerJoin('posts', 'p', 'p.id = pt.post_id AND p.published')
      .groupBy('t.id');
    // The query DTO allows only a-z, 0-9 and - in a prefix, so it has no LIKE wildcards to escape.
    if (prefix) inner.andWhere('t.name LIKE :prefix', { prefix: `${prefix}%` });
    if (name !== undefined) inner.andWhere('t.name = :name', { name });
    return this.dataSource
      .createQueryBuilder()
      .from(`(${inner.getQuery()})`, 'tc')
      .setParameters(inner.getParameters());
  }
}
