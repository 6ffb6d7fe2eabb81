import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../common/paging/page-query.dto.js';
import { SortQuery, defaultSort, sortValues, type SortTerm } from '../../common/paging/sort.js';
import { TAG_SORT } from '../tag-sort.js';

export class TagsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    description: 'A prefix of the tag name (case-insensitive).',
    maxLength: 30,
    example: 'ma',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().toLowerCase() : value,
  )
  @IsString()
  @MaxLength(30)
  @Matches(/^[a-z0-9-]*$/, { message: 'must be made of a-z, 0-9 and -' })
  search?: string;

  @ApiPropertyOptional({
    type: 'string',
    description: `Comma-separated; \`-\` for descending; the name breaks ties. One or more of: ${sortValues(TAG_SORT).join(', ')}.`,
    // documentSortParameters turns this into a comma-separated array of these values.
    enum: sortValues(TAG_SORT),
    default: TAG_SORT.default,
    example: '-posts',
    maxLength: 100,
  })
  @IsOptional()
  @SortQuery(TAG_SORT, 100)
  sort: SortTerm[] = defaultSort(TAG_SORT);
}
