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
    if (followerId === followeeId) throw new BadRequestException('You cannot follow yourself.');
    const result = await this.follows.insertIfAbsent(followerId, followeeId);
    if (!result.found) throw new NotFoundException(`User ${followeeId} does not exist.`);
    if (!result.inserted) throw new ConflictException('You already follow this user.');
    return this.users.view(followeeId, followerId);
  }

  async unfollow(followerId: number, followeeId: number): Promise<void> {
    const result = await this.follows.delete(followerId, followeeId);
    if (!result.found) throw new NotFoundException(`User ${followeeId} does not exist.`);
    if (!result.deleted) throw new NotFoundException('You do not follow this user.');
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
