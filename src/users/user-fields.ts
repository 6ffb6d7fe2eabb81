import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsString, Length, Matches, MaxLength } from 'class-validator';
import { USERNAME_PATTERN } from './user-ref.js';

/** Field rules shared by registration and account updates. */
const lowercaseTrim = Transform(({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim().toLowerCase() : value,
);
const trim = Transform(({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim() : value,
);

export const EmailField = (required = true) =>
  applyDecorators(
    (required ? ApiProperty : ApiPropertyOptional)({
      format: 'email',
      maxLength: 254,
      example: 'ada@example.com',
      description: 'Stored lowercased; unique.',
    }),
    lowercaseTrim,
    IsString(),
    MaxLength(254),
    IsEmail({}, { message: 'must be a valid email address' }),
  );

export const UsernameField = (required = true) =>
  applyDecorators(
    (required ? ApiProperty : ApiPropertyOptional)({
      minLength: 3,
      maxLength: 30,
      pattern: USERNAME_PATTERN.source,
      example: 'ada_l',
      description: 'Letters, digits and underscores; unique case-insensitively.',
    }),
    trim,
    IsString(),
    Matches(USERNAME_PATTERN, {
      message: 'must be 3 to 30 letters, digits or underscores',
    }),
  );

export const PasswordField = (required = true, description?: string) =>
  applyDecorators(
    (required ? ApiProperty : ApiPropertyOptional)({
      minLength: 8,
      maxLength: 128,
      format: 'password',
      example: 'correct horse battery',
      description,
    }),
    IsString(),
    Length(8, 128, { message: 'must be 8 to 128 characters long' }),
  );
