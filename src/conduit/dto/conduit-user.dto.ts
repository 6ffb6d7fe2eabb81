import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, MaxLength } from 'class-validator';
import { BlankAsUnset } from '../../common/paging/transforms.js';
import { IsOmittable } from '../../common/validation.js';
import { AvatarUrlField, BioField } from '../../profiles/profile-fields.js';
import { EmailField, PasswordField, UsernameField } from '../../users/user-fields.js';
import { Envelope, NotBlank } from './conduit-envelope.js';

/** A new account: the rules of `POST /api/users`, Conduit's words for a blank field. */
export class ConduitNewUserDto {
  @NotBlank()
  @UsernameField()
  username!: string;

  @NotBlank()
  @EmailField()
  email!: string;

  @NotBlank()
  @PasswordField()
  password!: string;
}

export class ConduitRegisterDto {
  @Envelope(ConduitNewUserDto)
  user!: ConduitNewUserDto;
}

export class ConduitCredentialsDto {
  @ApiProperty({ format: 'email', maxLength: 254, example: 'ada@example.com' })
  @NotBlank()
  @IsString()
  @MaxLength(254)
  @IsEmail({}, { message: 'is invalid' })
  email!: string;

  @ApiProperty({ format: 'password', maxLength: 128, example: 'correct horse battery' })
  @NotBlank()
  @IsString()
  @MaxLength(128)
  password!: string;
}

export class ConduitLoginDto {
  @Envelope(ConduitCredentialsDto)
  user!: ConduitCredentialsDto;
}

/**
 * Changes to the caller's account and profile; a field left out is kept.
 * `bio` and `image` (the profile's avatar) are cleared by `null` or `""`.
 * An empty `password` means "unchanged" (RealWorld's settings forms send the
 * field empty when the user leaves it so); a non-empty one replaces the
 * password without the current one (RealWorld's contract: the token is the
 * proof) and revokes every older token: the answer carries a new one.
 */
export class ConduitUserChangesDto {
  @IsOmittable()
  @NotBlank()
  @EmailField(false)
  email?: string;

  @IsOmittable()
  @NotBlank()
  @UsernameField(false)
  username?: string;

  @BlankAsUnset()
  @IsOmittable()
  @PasswordField(false, 'A new password; empty or left out keeps the current one.')
  password?: string;

  @BioField()
  bio?: string | null;

  @AvatarUrlField('The avatar: an https URL.')
  image?: string | null;
}

export class ConduitUpdateUserDto {
  @Envelope(ConduitUserChangesDto)
  user!: ConduitUserChangesDto;
}
