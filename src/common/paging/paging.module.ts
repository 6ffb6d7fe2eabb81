import { Global, Module } from '@nestjs/common';
import { CursorCodec } from './cursor.js';
import { Paginator } from './paginator.js';

@Global()
@Module({ providers: [CursorCodec, Paginator], exports: [Paginator] })
export class PagingModule {}
