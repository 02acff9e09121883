import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsBoolean, IsEmail, IsObject, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';

/** The fields of POST /admin/users and PATCH /admin/users/{id} (API.md). */
export class UserInput {
  @ApiPropertyOptional({ example: 'alice' })
  @IsOptional() @IsString() @Matches(/^[A-Za-z0-9._@-]{1,100}$/, { message: 'username: 1-100 letters, digits or . _ @ -' })
  username?: string;

  @ApiPropertyOptional({ minLength: 8 })
  @IsOptional() @IsString() @MinLength(8, { message: 'password: at least 8 characters' }) @MaxLength(1024)
  password?: string;

  @ApiPropertyOptional() @IsOptional() @IsEmail({}, { message: 'email: not an e-mail address' })
  email?: string;

  @ApiPropertyOptional() @IsOptional() @IsBoolean()
  email_verified?: boolean;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200)
  name?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200)
  given_name?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200)
  family_name?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @Matches(/^\+?[0-9 ()-]{3,40}$/, { message: 'phone_number: not a phone number' })
  phone_number?: string;

  @ApiPropertyOptional() @IsOptional() @IsBoolean()
  phone_number_verified?: boolean;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000)
  picture?: string;

  @ApiPropertyOptional() @IsOptional() @IsObject()
  address?: Record<string, string>;

  @ApiPropertyOptional({ type: [String] }) @IsOptional() @IsArray() @IsString({ each: true })
  roles?: string[];

  @ApiPropertyOptional({ type: [String] }) @IsOptional() @IsArray() @IsString({ each: true })
  groups?: string[];

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200)
  customer_id?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200)
  customer_name?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200)
  domain?: string;

  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean()
  enabled?: boolean;
}
