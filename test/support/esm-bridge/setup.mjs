/**
 * Imports @nestjs/common and @nestjs/core once, as ES modules, and keeps their
 * namespaces for the CommonJS shims beside this file (see resolver.cjs). The
 * test files import the same cached modules, so there is one instance of each
 * and Nest's DI tokens (Reflector, the module metadata keys) match across the
 * CommonJS and ES module worlds.
 */
import * as common from '@nestjs/common';
import * as core from '@nestjs/core';

globalThis.__agoraEsmBridge = { '@nestjs/common': common, '@nestjs/core': core };
