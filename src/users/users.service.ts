import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { mapPage, type Page } from '../common/paging/page.js';
import { invalidField } from '../common/problems/problem.js';
import type { CreateUserDto } from './dto/create-user.dto.js';
import type { UpdateMeDto } from './dto/update-me.dto.js';
import type { UsersQueryDto } from './dto/users-query.dto.js';
import { PasswordHasher } from './password-hasher.js';
import { MeResponse, UserResponse } from './user.response.js';
import type { EntityManager } from 'typeorm';
import { USERNAME_PATTERN } from './user-ref.js';
import { UsersRepository, type AccountChanges, type Credentials } from './users.repository.js';

@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
  ) {}

  /** Registers a user. Two racing registrations of one email: the unique index lets one win (→ 409). */
  async register(dto: CreateUserDto): Promise<MeResponse> {
    const passwordHash = await this.hasher.hash(dto.password);
    const id = await this.users.insert({ email: dto.email, username: dto.username, passwordHash });
    return this.me(id);
  }

  /** The account a login (username or email, any case) names, without checking a password. */
  findLoginAccount(login: string): Promise<Credentials | undefined> {
    return this.users.findCredentials(login);
  }

  /**
   * Whether the password is the account's. For an unknown account a dummy hash
   * is verified, so the answer takes as long either way.
   */
  async passwordMatches(account: Credentials | undefined, password: string): Promise<boolean> {
    if (!account) return this.hasher.verifyDummy(password);
    return this.hasher.verify(account.passwordHash, password);
  }

  tokenVersion(id: number): Promise<number | undefined> {
    return this.users.findTokenVersion(id);
  }

  async me(id: number): Promise<MeResponse> {
    const row = await this.users.findMe(id);
    if (!row) throw new NotFoundException('This account no longer exists.');
    return MeResponse.from(row);
  }

  /**
   * Email and password changes need the current password (and a current
   * password that is sent is always checked); a new password revokes older tokens.
   */
  async updateMe(id: number, dto: UpdateMeDto): Promise<MeResponse> {
    const needsPassword = dto.email !== undefined || dto.password !== undefined;
    if (needsPassword && dto.currentPassword === undefined) {
      throw invalidField('currentPassword', 'is required to change the email or the password');
    }
    if (dto.currentPassword !== undefined) {
      const current = await this.users.findCredentialsById(id);
      if (!current) throw new NotFoundException('This account no longer exists.');
      if (!(await this.hasher.verify(current.passwordHash, dto.currentPassword))) {
        throw new ForbiddenException('The current password is wrong.');
      }
    }
    await this.changeAccount(id, dto);
    return this.me(id);
  }

  /**
   * Applies validated account changes, with no current password: updateMe
   * checks it first; the Conduit face's `PUT /user` takes none (RealWorld's
   * contract: the token is the proof). A new password revokes older tokens.
   * On `manager` when the change is part of a larger transaction.
   */
  async changeAccount(
    id: number,
    dto: { email?: string; username?: string; password?: string },
    manager?: EntityManager,
  ): Promise<void> {
    const changes: AccountChanges = {};
    if (dto.email !== undefined) changes.email = dto.email;
    if (dto.username !== undefined) changes.username = dto.username;
    if (dto.password !== undefined) changes.passwordHash = await this.hasher.hash(dto.password);
    await this.users.update(id, changes, manager);
  }

  /** Deleting the user cascades in the database to everything they own. */
  async deleteMe(id: number): Promise<void> {
    if (!(await this.users.delete(id)))
      throw new NotFoundException('This account no longer exists.');
  }

  /** 404 unless the user exists (for lists under a user: their posts, followers). */
  async assertExists(id: number): Promise<void> {
    if (!(await this.users.exists(id))) throw new NotFoundException(`User ${id} does not exist.`);
  }

  async view(id: number, viewerId: number | undefined): Promise<UserResponse> {
    const row = await this.users.findView({ id }, viewerId);
    if (!row) throw new NotFoundException(`User ${id} does not exist.`);
    return UserResponse.from(row);
  }

  /** The user with this username (any case), as `viewerId` sees them; undefined when none has it. */
  async findByUsername(
    username: string,
    viewerId: number | undefined,
  ): Promise<UserResponse | undefined> {
    // A name no account may have is looked up nowhere.
    if (!USERNAME_PATTERN.test(username)) return undefined;
    const row = await this.users.findView({ username }, viewerId);
    return row && UserResponse.from(row);
  }

  async list(query: UsersQueryDto, viewerId: number | undefined): Promise<Page<UserResponse>> {
    return mapPage(await this.users.findPage(query, viewerId), UserResponse.from);
  }
}
