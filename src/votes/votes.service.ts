import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { checkedUnder, mapPage, type Page } from '../common/paging/page.js';
import type { PageQueryDto } from '../common/paging/page-query.dto.js';
import { PostsService } from '../posts/posts.service.js';
import { UserSummaryResponse } from '../users/user-summary.response.js';
import type { VoteResponse } from './vote.response.js';
import { VotesRepository } from './votes.repository.js';

@Injectable()
export class VotesService {
  constructor(
    private readonly votes: VotesRepository,
    private readonly posts: PostsService,
  ) {}

  async vote(postId: number, userId: number): Promise<VoteResponse> {
    const result = await this.ensureVoted(postId, userId);
    if (!result.inserted) throw new ConflictException('You have already voted for this post.');
    return { postId, votes: result.votes, voted: true };
  }

  async unvote(postId: number, userId: number): Promise<void> {
    const result = await this.ensureNotVoted(postId, userId);
    if (!result.deleted) throw new NotFoundException('You have not voted for this post.');
  }

  /**
   * The caller's vote, whether or not it was there (Conduit's favourite is
   * idempotent): the same race-safe insert as vote(), with no 409. 404 when
   * the caller cannot see the post.
   */
  async ensureVoted(postId: number, userId: number): Promise<{ inserted: boolean; votes: number }> {
    const result = await this.votes.insertVoteIfAbsent(postId, userId);
    if (!result.found) throw postNotFound(postId);
    return result;
  }

  /** No vote of the caller's, whether or not there was one (Conduit's unfavourite). 404 as above. */
  async ensureNotVoted(postId: number, userId: number): Promise<{ deleted: boolean }> {
    const result = await this.votes.deleteVote(postId, userId);
    if (!result.found) throw postNotFound(postId);
    return result;
  }

  /**
   * Who voted, newest first. 404 when the caller cannot see the post: the page
   * itself is empty then, so only an empty page needs the extra check.
   */
  async voters(
    postId: number,
    page: PageQueryDto,
    viewerId: number | undefined,
  ): Promise<Page<UserSummaryResponse>> {
    const voters = await this.votes.findVoters(postId, viewerId, page);
    return mapPage(
      await checkedUnder(voters, () => this.posts.assertVisible(postId, viewerId)),
      UserSummaryResponse.from,
    );
  }
}

function postNotFound(postId: number): NotFoundException {
  return new NotFoundException(`Post ${postId} does not exist.`);
}
