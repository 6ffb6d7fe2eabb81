import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { Trim, TrimToNull } from '../../common/paging/transforms.js';
import { AvatarUrlField, BioField } from '../profile-fields.js';

/** A full replacement: a field left out (or null) becomes null. */
export class PutProfileDto {
  @ApiProperty({ minLength: 1, maxLength: 60, example: 'Ada Lovelace' })
  @Trim()
  @IsString()
  @Length(1, 60, { message: 'must be 1 to 60 characters long' })
  displayName!: string;

  @BioField()
  bio?: string | null;

  @AvatarUrlField()
  avatarUrl?: string | null;

  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: 100, example: 'London' })
  @IsOptional()
  @TrimToNull()
  @IsString()
  @MaxLength(100)
  location?: string | null;
}
