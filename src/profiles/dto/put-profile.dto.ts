import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUrl, Length, MaxLength } from 'class-validator';
import { Trim, TrimToNull } from '../../common/paging/transforms.js';

/** A full replacement: a field left out (or null) becomes null. */
export class PutProfileDto {
  @ApiProperty({ minLength: 1, maxLength: 60, example: 'Ada Lovelace' })
  @Trim()
  @IsString()
  @Length(1, 60, { message: 'must be 1 to 60 characters long' })
  displayName!: string;

  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: 500 })
  @IsOptional()
  @TrimToNull()
  @IsString()
  @MaxLength(500)
  bio?: string | null;

  @ApiPropertyOptional({
    type: 'string',
    nullable: true,
    maxLength: 500,
    format: 'uri',
    example: 'https://example.com/ada.png',
  })
  @IsOptional()
  @TrimToNull()
  @IsString()
  @MaxLength(500)
  @IsUrl(
    { protocols: ['https'], require_protocol: true, require_tld: true },
    { message: 'must be an https URL' },
  )
  avatarUrl?: string | null;

  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: 100, example: 'London' })
  @IsOptional()
  @TrimToNull()
  @IsString()
  @MaxLength(100)
  location?: string | null;
}
