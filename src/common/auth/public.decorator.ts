import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'agora:isPublic';

/** Opens a route to anonymous callers; a token, if sent, must still be valid. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);
