import { Injectable, NotFoundException } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { PutProfileDto } from './dto/put-profile.dto.js';
import { ProfileResponse } from './profile.response.js';
import { ProfilesRepository, type ProfileFields } from './profiles.repository.js';

@Injectable()
export class ProfilesService {
  constructor(private readonly profiles: ProfilesRepository) {}

  async get(userId: number): Promise<ProfileResponse> {
    const found = await this.profiles.findByUser(userId);
    if (!found) throw new NotFoundException(`User ${userId} does not exist.`);
    if (!found.profile) throw new NotFoundException(`User ${userId} has no profile.`);
    return ProfileResponse.from(found.profile);
  }

  async put(
    userId: number,
    dto: PutProfileDto,
  ): Promise<{ profile: ProfileResponse; created: boolean }> {
    const { profile, created } = await this.profiles.upsert(userId, {
      displayName: dto.displayName,
      bio: dto.bio ?? null,
      avatarUrl: dto.avatarUrl ?? null,
      location: dto.location ?? null,
    });
    return { profile: ProfileResponse.from(profile), created };
  }

  /**
   * Changes the bio or avatar that are given (null clears one), keeping the
   * rest; a user without a profile gets one named after their username. On
   * `manager` when part of a larger transaction (the Conduit face's `PUT /user`).
   */
  patch(
    userId: number,
    fields: Partial<Pick<ProfileFields, 'bio' | 'avatarUrl'>>,
    manager?: EntityManager,
  ): Promise<void> {
    return this.profiles.patch(userId, fields, manager);
  }

  async delete(userId: number): Promise<void> {
    if (!(await this.profiles.delete(userId))) throw new NotFoundException('You have no profile.');
  }
}
