import { PartialType } from '@nestjs/swagger';
import { CreatePostDto } from './create-post.dto.js';

/** Any of the create fields; `tags` replaces the whole set. */
export class UpdatePostDto extends PartialType(CreatePostDto) {}
