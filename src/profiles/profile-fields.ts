import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUrl, MaxLength } from 'class-validator';
import { TrimToNull } from '../common/paging/transforms.js';

/**
 * Field rules of a profile, shared by `PUT /api/users/me/profile` and the
 * Conduit face's `PUT /user` (`bio`, and `image` as the avatar): optional,
 * trimmed, and an empty text (or null) is null.
 */
export const BioField = () =>
  applyDecorators(
    ApiPropertyOptional({ type: 'string', nullable: true, maxLength: 500 }),
    IsOptional(),
    TrimToNull(),
    IsString(),
    MaxLength(500),
  );

export const AvatarUrlField = (description?: string) =>
  applyDecorators(
    ApiPropertyOptional({
      type: 'string',
      nullable: true,
      maxLength: 500,
      format: 'uri',
      example: 'https://example.com/ada.png',
      description,
    }),
    IsOptional(),
    TrimToNull(),
    IsString(),
    MaxLength(500),
    IsUrl(
      { protocols: ['https'], require_protocol: true, require_tld: true },
      { message: 'must be an https URL' },
    ),
  );
