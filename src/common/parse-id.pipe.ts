import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { INT4_MAX } from './api-schema.js';
import { parseId } from './ids.js';
import { invalidField } from './problems/problem.js';

/**
 * Path ids are positive int4 written in plain decimal: `0x10`, `1e3`, `007`,
 * `-1` and `99999999999` are 400, never coerced to another id or sent to SQL.
 */
@Injectable()
export class ParseIdPipe implements PipeTransform<string, number> {
  transform(value: string, metadata: ArgumentMetadata): number {
    const id = parseId(value);
    if (id === undefined) {
      throw invalidField(
        metadata.data ?? 'id',
        `must be a positive integer no greater than ${INT4_MAX}`,
      );
    }
    return id;
  }
}
