import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { Trim } from '../common/paging/transforms.js';

/** A comment's body, whichever face writes it: trimmed, 1–5,000 characters. */
export const CommentBodyField = () =>
  applyDecorators(
    ApiProperty({ minLength: 1, maxLength: 5000, example: 'A fine engine.' }),
    Trim(),
    IsString(),
    Length(1, 5000, { message: 'must be 1 to 5000 characters long' }),
  );
