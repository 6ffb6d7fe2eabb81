import { EmailField, PasswordField, UsernameField } from '../user-fields.js';

export class CreateUserDto {
  @EmailField()
  email!: string;

  @UsernameField()
  username!: string;

  @PasswordField()
  password!: string;
}
