import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { ID_SCHEMA, INT4_MAX } from '../../common/api-schema.js';
import { PageQueryDto } from '../../common/paging/page-query.dto.js';
import { SortQuery, defaultSort, type SortTerm } from '../../common/paging/sort.js';
import { ToInt } from '../../common/paging/transforms.js';
import { COMMENT_SORT } from '../comment-sort.js';

export class CommentsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    ...ID_SCHEMA,
    description: 'List the replies of this comment; default: top level.',
  })
  @IsOptional()
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(INT4_MAX)
  parentId?: number;

  @ApiPropertyOptional({
    type: 'string',
    enum: ['createdAt', '-createdAt'],
    default: 'createdAt',
    description: 'Oldest first by default; the id breaks ties.',
  })
  @IsOptional()
  @SortQuery(COMMENT_SORT, 100)
  sort: SortTerm[] = defaultSort(COMMENT_SORT);
}
