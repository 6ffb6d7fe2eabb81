import { ApiProperty, PickType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsNotEmpty, IsObject, ValidateNested } from 'class-validator';
import { CreateCommentDto } from '../../comments/dto/create-comment.dto.js';

/** A comment's body, by the rules of /api's comments; Conduit's comments answer no other. */
export class NewComment extends PickType(CreateCommentDto, ['body']) {
  @IsNotEmpty({ message: "can't be blank" })
  override body!: string;
}

export class NewCommentDto {
  @ApiProperty({ type: NewComment })
  @IsDefined({ message: "can't be blank" })
  @IsObject({ message: 'must be an object' })
  @ValidateNested()
  @Type(() => NewComment)
  comment!: NewComment;
}
