import { Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { TagsService } from '../tags/tags.service.js';
import { ConduitTagsResponse } from './conduit-tags.response.js';
import { ConduitAuthOptional, ConduitController } from './conduit.decorators.js';

@ConduitController('tags')
export class ConduitTagsController {
  constructor(private readonly tags: TagsService) {}

  @Get()
  @ConduitAuthOptional()
  @ApiOperation({
    summary: 'Tags in use (Conduit)',
    description: 'Every tag some published post carries, sorted by name.',
  })
  @ApiOkResponse({ type: ConduitTagsResponse })
  async list(): Promise<ConduitTagsResponse> {
    return ConduitTagsResponse.from(await this.tags.namesInUse());
  }
}
