import { PartialType } from '@nestjs/swagger';
import { CreatePostDto } from './create-post.dto.js';

/**
 * Any of the create fields; `tags` replaces the whole set. A field may be left
 * out but not sent as null (the default PartialType lets null skip validation).
 */
export class UpdatePostDto extends PartialType(CreatePostDto, { skipNullProperties: false }) {}
