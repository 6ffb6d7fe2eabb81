import { Transform } from 'class-transformer';

/**
 * Query strings are text: accept only plain decimal integers, so `1e3`, `0x10`
 * or `10.0` stay strings and fail `@IsInt()` instead of becoming numbers.
 */
export const ToInt = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^(0|-?[1-9]\d{0,15})$/.test(value) ? Number(value) : value,
  );

/** Trims text input; other values pass through for the validators to reject. */
export const Trim = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

/** Trimmed; an empty optional text is stored as null. Other values pass through. */
export const TrimToNull = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) => {
    if (typeof value !== 'string') return value;
    const trimmed = value.trim();
    return trimmed === '' ? null : trimmed;
  });

/** A blank query value (`sort=`) means "not given", so the default applies. */
export const BlankAsUnset = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && value.trim() === '' ? undefined : value,
  );
