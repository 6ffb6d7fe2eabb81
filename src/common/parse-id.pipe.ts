import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { invalidField } from './problems/problem.js';

const INT4_MAX = 2_147_483_647;

/**
 * Path ids are positive int4 written in plain decimal: `0x10`, `1e3`, `007`,
 * `-1` and `99999999999` are 400, never coerced to another id or sent to SQL.
 */
@Injectable()
export class ParseIdPipe implements PipeTransform<string, number> {
  transform(value: string, metadata: ArgumentMetadata): number {
    const field = metadata.data ?? 'id';
    if (!/^[1-9]\d{0,9}$/.test(value) || Number(value) > INT4_MAX) {
      throw invalidField(field, `must be a positive integer no greater than ${INT4_MAX}`);
    }
    return Number(value);
  }
}
