import { AuthorizationContract, UserInput, type AuthorizationApi, type UserPage, type UserRecord } from '@argus/contracts';
import { InvalidRequest } from '@argus/oauth';
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AdminTokenGuard } from '../guards/admin-token.guard';
import { jsonObject } from './request-params';

@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@Controller('admin/users')
export class AdminUsersController {
  constructor(@Inject(AuthorizationContract.token) private readonly authorization: AuthorizationApi) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a user of the local directory' })
  @ApiBody({ type: UserInput })
  create(@Body() body: unknown): Promise<UserRecord> {
    return this.authorization.createUser({ user: jsonObject(body) });
  }

  @Get()
  @ApiOperation({ summary: 'List users, oldest id first; `username` filters exactly, case-insensitively' })
  @ApiQuery({ name: 'limit', required: false, type: Number })
  @ApiQuery({ name: 'cursor', required: false, type: String })
  @ApiQuery({ name: 'username', required: false, type: String })
  list(@Query('limit') limit?: string, @Query('cursor') cursor?: string, @Query('username') username?: string): Promise<UserPage> {
    const repeated = Object.entries({ limit, cursor, username }).find(([, value]) => Array.isArray(value));
    if (repeated) throw new InvalidRequest(`${repeated[0]} sent more than once`);
    if (limit !== undefined && !/^\d+$/.test(limit)) throw new InvalidRequest('limit must be a positive integer');
    return this.authorization.listUsers({ limit: limit === undefined ? undefined : Number(limit), cursor, username });
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read a user (never the password or its hash)' })
  get(@Param('id') id: string): Promise<UserRecord> {
    return this.authorization.getUser({ id });
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Update a user' })
  @ApiBody({ type: UserInput })
  update(@Param('id') id: string, @Body() body: unknown): Promise<UserRecord> {
    return this.authorization.updateUser({ id, patch: jsonObject(body) });
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a user' })
  async remove(@Param('id') id: string): Promise<void> {
    await this.authorization.deleteUser({ id });
  }
}
