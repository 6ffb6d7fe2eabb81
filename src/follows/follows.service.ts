import {
  BadRequestException,
  ConflictException,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { checkedUnder, mapPage, type Page } from '../common/paging/page.js';
import type { PageQueryDto } from '../common/paging/page-query.dto.js';
import { UserSummaryResponse } from '../users/user-summary.response.js';
import type { UserResponse } from '../users/user.response.js';
import { UsersService } from '../users/users.service.js';
import { FollowsRepository } from './follows.repository.js';

@Injectable()
export class FollowsService {
  constructor(
    private readonly follows: FollowsRepository,
    private readonly users: UsersService,
  ) {}

  /** Follows the user and answers their view (now with `following: true`). */
  async follow(followerId: number, followeeId: number): Promise<UserResponse> {
    if (!(await this.add(followerId, followeeId))) {
      throw new ConflictException('You already follow this user.');
    }
    return this.users.view(followeeId, followerId);
  }

  async unfollow(followerId: number, followeeId: number): Promise<void> {
    if (!(await this.remove(followerId, followeeId))) {
      throw new NotFoundException('You do not follow this user.');
    }
  }

  /**
   * Follows the user unless already following, and answers their view: the
   * Conduit face's follow, which RealWorld clients send again without harm.
   */
  async ensureFollowing(followerId: number, followeeId: number): Promise<UserResponse> {
    await this.add(followerId, followeeId);
    return this.users.view(followeeId, followerId);
  }

  /** Unfollows the user if following, and answers their view (the Conduit face's unfollow). */
  async ensureNotFollowing(followerId: number, followeeId: number): Promise<UserResponse> {
    await this.remove(followerId, followeeId);
    return this.users.view(followeeId, followerId);
  }

  /** Whether a follow was added (false: it existed already). */
  private async add(followerId: number, followeeId: number): Promise<boolean> {
    if (followerId === followeeId) throw new BadRequestException('You cannot follow yourself.');
    const result = await this.follows.insertIfAbsent(followerId, followeeId);
    if (!result.found) throw new NotFoundException(`User ${followeeId} does not exist.`);
    return result.inserted;
  }

  /** Whether a follow was removed (false: there was none). */
  private async remove(followerId: number, followeeId: number): Promise<boolean> {
    const result = await this.follows.delete(followerId, followeeId);
    if (!result.found) throw new NotFoundException(`User ${followeeId} does not exist.`);
    return result.deleted;
  }

  async list(
    side: 'followers' | 'following',
    userId: number,
    page: PageQueryDto,
  ): Promise<Page<UserSummaryResponse>> {
    const result = await this.follows.findPage(side, userId, page);
    return mapPage(
      await checkedUnder(result, () => this.users.assertExists(userId)),
      UserSummaryResponse.from,
    );
  }
}
