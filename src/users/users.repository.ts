import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  DataSource,
  type EntityManager,
  type ObjectLiteral,
  type SelectQueryBuilder,
} from 'typeorm';
import { Paginator } from '../common/paging/paginator.js';
import { UNCOUNTED, type Page } from '../common/paging/page.js';
import type { PageQueryDto } from '../common/paging/page-query.dto.js';
import type { SortTerm } from '../common/paging/sort.js';
import { escapeLike } from '../common/validation.js';
import { CompiledQuery } from '../database/compiled-query.js';
import { ReadRouting } from '../database/read-routing.js';
import { User } from './user.entity.js';
import type { UserRef } from './user-ref.js';
import type { MeRow, UserViewRow } from './user.row.js';

export interface Credentials {
  id: number;
  passwordHash: string;
  tokenVersion: number;
}

export interface AccountChanges {
  email?: string;
  username?: string;
  passwordHash?: string;
}

@Injectable()
export class UsersRepository {
  /** Runs on every signed-in request: its text is built once. */
  private readonly tokenVersionQuery: CompiledQuery<{ tokenVersion: number }, { id: number }>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly paginator: Paginator,
    private readonly reads: ReadRouting,
  ) {
    this.tokenVersionQuery = new CompiledQuery(
      this.dataSource
        .createQueryBuilder()
        .select('u.token_version', 'tokenVersion')
        .from(User, 'u')
        .where('u.id = :id', { id: 0 }),
    );
  }

  /** Inserts a user; a taken email or username fails on its unique index (→ 409). */
  async insert(user: { email: string; username: string; passwordHash: string }): Promise<number> {
    const result = await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(User)
      .values(user)
      .returning('id')
      .execute();
    return (result.raw as { id: number }[])[0].id;
  }

  /** The login's user by email (when it has an @) or by username, case-insensitively. */
  async findCredentials(login: string): Promise<Credentials | undefined> {
    const column = login.includes('@') ? 'u.email' : 'u.username';
    return this.credentials()
      .where(`lower(${column}) = lower(:login)`, { login })
      .getRawOne<Credentials>();
  }

  async findCredentialsById(id: number): Promise<Credentials | undefined> {
    return this.credentials().where('u.id = :id', { id }).getRawOne<Credentials>();
  }

  private credentials(): SelectQueryBuilder<ObjectLiteral> {
    return this.dataSource
      .createQueryBuilder()
      .select([
        'u.id AS id',
        'u.password_hash AS "passwordHash"',
        'u.token_version AS "tokenVersion"',
      ])
      .from(User, 'u');
  }

  /** What the JWT guard needs per request: does the user exist, and which token version is current. */
  async findTokenVersion(id: number): Promise<number | undefined> {
    const row = await this.tokenVersionQuery.one(this.dataSource, { id });
    return row?.tokenVersion;
  }

  async findMe(id: number): Promise<MeRow | undefined> {
    return withProfile(this.reads.source().createQueryBuilder().from(User, 'u'))
      .addSelect('u.email', 'email')
      .where('u.id = :id', { id })
      .getRawOne<MeRow>();
  }

  /** One statement: the user (by id, or by username in any case), their profile and their counts. */
  async findView(ref: UserRef, viewerId: number | undefined): Promise<UserViewRow | undefined> {
    const qb = withCounts(
      withProfile(this.reads.source().createQueryBuilder().from(User, 'u')),
      viewerId,
    );
    if ('id' in ref) qb.where('u.id = :id', { id: ref.id });
    else qb.where('lower(u.username) = lower(:username)', { username: ref.username });
    return qb.getRawOne<UserViewRow>();
  }

  async exists(id: number): Promise<boolean> {
    return this.reads
      .source()
      .createQueryBuilder()
      .from(User, 'u')
      .where('u.id = :id', { id })
      .getExists();
  }

  findPage(
    query: PageQueryDto & { search?: string; sort: SortTerm[] },
    viewerId: number | undefined,
  ): Promise<Page<UserViewRow>> {
    return this.paginator.run(
      {
        scope: 'users',
        base: () => {
          const qb = this.reads.source().createQueryBuilder().from(User, 'u');
          if (query.sort.some((term) => term.expr.startsWith('uc.'))) {
            qb.innerJoin('user_counters', 'uc', 'uc.user_id = u.id');
          }
          if (query.search) {
            qb.where(`lower(u.username) LIKE :pattern ESCAPE '\\'`, {
              pattern: `%${escapeLike(query.search.toLowerCase())}%`,
            });
          }
          return qb;
        },
        select: (qb) => withCounts(withProfile(qb), viewerId),
        sort: query.sort,
        // A search is not counted (the API's totals rule); all users are counted up to the cap.
        total: query.search ? () => Promise.resolve(UNCOUNTED) : undefined,
      },
      query,
    );
  }

  /**
   * Applies account changes (on `manager`, inside its transaction, when
   * given); a new password also revokes every token issued before it.
   */
  async update(id: number, changes: AccountChanges, manager?: EntityManager): Promise<void> {
    if (Object.keys(changes).length === 0) return;
    const qb = (manager ?? this.dataSource)
      .createQueryBuilder()
      .update(User)
      .set({ ...changes, updatedAt: () => 'now()' });
    if (changes.passwordHash !== undefined) {
      qb.set({ ...changes, updatedAt: () => 'now()', tokenVersion: () => 'token_version + 1' });
    }
    await qb.where('id = :id', { id }).execute();
  }

  /** Deletes the user; their profile (and later their posts, votes...) cascade in the database. */
  async delete(id: number): Promise<boolean> {
    const result = await this.dataSource
      .createQueryBuilder()
      .delete()
      .from(User)
      .where('id = :id', { id })
      .execute();
    return (result.affected ?? 0) > 0;
  }
}

/** The user's columns and their profile (one LEFT JOIN: profile columns are null when absent). */
function withProfile(qb: SelectQueryBuilder<ObjectLiteral>): SelectQueryBuilder<ObjectLiteral> {
  return qb
    .select(['u.id AS id', 'u.username AS username', 'u.created_at AS "createdAt"'])
    .addSelect('p.display_name', 'profileDisplayName')
    .addSelect('p.bio', 'profileBio')
    .addSelect('p.avatar_url', 'profileAvatarUrl')
    .addSelect('p.location', 'profileLocation')
    .addSelect('p.updated_at', 'profileUpdatedAt')
    .leftJoin('profiles', 'p', 'p.user_id = u.id');
}

/**
 * The User view's counts and the caller's `following` flag, in the same
 * statement: published posts, followers and followees from the counters the
 * triggers keep (never a count of posts or follows), the caller's follow by
 * EXISTS.
 */
function withCounts(
  qb: SelectQueryBuilder<ObjectLiteral>,
  viewerId: number | undefined,
): SelectQueryBuilder<ObjectLiteral> {
  qb.addSelect('u.published_posts', 'postsCount')
    .addSelect('uc.followers', 'followersCount')
    .addSelect('uc.following', 'followingCount')
    .innerJoin('user_counters', 'uc', 'uc.user_id = u.id');
  if (viewerId === undefined) return qb.addSelect('false', 'following');
  return qb
    .addSelect(
      'EXISTS (SELECT 1 FROM follows vf WHERE vf.follower_id = :viewerId AND vf.followee_id = u.id)',
      'following',
    )
    .setParameter('viewerId', viewerId);
}
