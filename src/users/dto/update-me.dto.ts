import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { IsOmittable } from '../../common/validation.js';
import { EmailField, PasswordField, UsernameField } from '../user-fields.js';

export class UpdateMeDto {
  @IsOmittable()
  @EmailField(false)
  email?: string;

  @IsOmittable()
  @UsernameField(false)
  username?: string;

  @IsOmittable()
  @PasswordField(
    false,
    'The new password; needs `currentPassword`. Tokens issued before the change stop working.',
  )
  password?: string;

  @ApiPropertyOptional({
    format: 'password',
    maxLength: 128,
    description: 'Required to change `email` or `password`.',
  })
  @IsOmittable()
  @IsString()
  @MaxLength(128)
  currentPassword?: string;
}
