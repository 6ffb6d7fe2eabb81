import { Injectable, NotFoundException } from '@nestjs/common';
import type { PutProfileDto } from './dto/put-profile.dto.js';
import { ProfileResponse } from './profile.response.js';
import { ProfilesRepository } from './profiles.repository.js';

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

  async delete(userId: number): Promise<void> {
    if (!(await this.profiles.delete(userId))) throw new NotFoundException('You have no profile.');
  }
}
