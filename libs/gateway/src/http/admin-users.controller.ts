import { AuthorizationContract, UserInput, type AuthorizationApi, type UserRecord } from '@argus/contracts';
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
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
