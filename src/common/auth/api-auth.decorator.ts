import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiOAuth2 } from '@nestjs/swagger';

/** Documents an operation that needs a token: a pasted bearer JWT, or Swagger UI's OAuth2 login. */
export const ApiAuth = () => applyDecorators(ApiBearerAuth('bearer'), ApiOAuth2([], 'oauth2'));
