import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsNotEmpty, IsObject, ValidateNested } from 'class-validator';

/** Rails' word for a missing or empty required value, as RealWorld clients expect it. */
export const BLANK_MESSAGE = "can't be blank";

/** Required, and not empty: `{ email: "" }`, a missing email and `null` all get "can't be blank". */
export const NotBlank = (): PropertyDecorator => IsNotEmpty({ message: BLANK_MESSAGE });

/**
 * The wrapper of a Conduit body (`{ user: { … } }`): required, an object (not
 * an array, a string or null), validated as `type`. Its fields' errors are
 * named without the wrapper (`email`, not `user.email`: conduit-errors.ts).
 */
export const Envelope = (type: new () => object, description?: string) =>
  applyDecorators(
    ApiProperty({ type, description }),
    IsDefined({ message: BLANK_MESSAGE }),
    IsObject({ message: 'must be an object' }),
    ValidateNested(),
    Type(() => type),
  );
