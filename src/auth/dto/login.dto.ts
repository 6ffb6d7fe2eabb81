import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { Trim } from '../../common/paging/transforms.js';

/**
 * JSON `{ username, password }`, or an OAuth2 password-grant form (RFC 6749
 * §4.3), whose own fields are accepted too.
 */
export class LoginDto {
  @ApiProperty({ description: 'Username or email.', example: 'ada_l', maxLength: 254 })
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(254)
  username!: string;

  @ApiProperty({ format: 'password', example: 'correct horse battery', maxLength: 128 })
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  password!: string;

  @ApiPropertyOptional({ enum: ['password'], description: 'OAuth2 form only.' })
  @IsOptional()
  @IsIn(['password'], { message: 'must be password' })
  grant_type?: string;

  @ApiPropertyOptional({ description: 'OAuth2 form only; ignored.', maxLength: 1000 })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  scope?: string;

  @ApiPropertyOptional({ description: 'OAuth2 form only; ignored.', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  client_id?: string;

  @ApiPropertyOptional({ description: 'OAuth2 form only; ignored.', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  client_secret?: string;
}
