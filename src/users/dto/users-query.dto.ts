import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../common/paging/page-query.dto.js';
import { SortQuery, defaultSort, sortValues, type SortTerm } from '../../common/paging/sort.js';
import { Trim } from '../../common/paging/transforms.js';
import { USER_SORT } from '../user-sort.js';

export class UsersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    description: 'Case-insensitive substring of the username (matched literally).',
    maxLength: 30,
  })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(30)
  search?: string;

  @ApiPropertyOptional({
    type: 'string',
    description: `Comma-separated; \`-\` for descending; the id breaks ties. One or more of: ${sortValues(USER_SORT).join(', ')}.`,
    // documentSortParameters turns this into a comma-separated array of these values.
    enum: sortValues(USER_SORT),
    default: USER_SORT.default,
    example: '-createdAt',
    maxLength: 200,
  })
  @IsOptional()
  @SortQuery(USER_SORT, 200)
  sort: SortTerm[] = defaultSort(USER_SORT);
}
