import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { FollowsService } from '../follows/follows.service.js';
import type { UserResponse } from '../users/user.response.js';
import { UsersService } from '../users/users.service.js';
import { conduitInvalid, conduitNotFound } from './conduit-errors.js';
import { ConduitProfileResponse } from './conduit-profile.response.js';

/** Profiles by username, and follows, on Agora's users and follows. */
@Injectable()
export class ConduitProfilesService {
  constructor(
    private readonly users: UsersService,
    private readonly follows: FollowsService,
  ) {}

  async get(username: string, viewerId: number | undefined): Promise<ConduitProfileResponse> {
    return ConduitProfileResponse.from(await this.find(username, viewerId));
  }

  /**
   * Follows (again: a no-op, as RealWorld clients expect); following yourself
   * is refused as `POST /api/users/:id/follow` refuses it, here a 422.
   */
  async follow(username: string, callerId: number): Promise<ConduitProfileResponse> {
    const user = await this.find(username, callerId);
    return this.inConduitWords(() => this.follows.ensureFollowing(callerId, user.id));
  }

  /** Unfollows (when not following: a no-op). */
  async unfollow(username: string, callerId: number): Promise<ConduitProfileResponse> {
    const user = await this.find(username, callerId);
    return this.inConduitWords(() => this.follows.ensureNotFollowing(callerId, user.id));
  }

  /** FollowsService's refusals as the face words them (the user may be gone since find()). */
  private async inConduitWords(
    change: () => Promise<UserResponse>,
  ): Promise<ConduitProfileResponse> {
    try {
      return ConduitProfileResponse.from(await change());
    } catch (error) {
      if (error instanceof BadRequestException) {
        throw conduitInvalid('profile', 'cannot be followed by yourself');
      }
      if (error instanceof NotFoundException) throw conduitNotFound('profile');
      throw error;
    }
  }

  private async find(username: string, viewerId: number | undefined): Promise<UserResponse> {
    const user = await this.users.findByUsername(username, viewerId);
    if (!user) throw conduitNotFound('profile');
    return user;
  }
}
