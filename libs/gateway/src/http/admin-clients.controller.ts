import {
  ClientMetadataInput,
  ClientsContract,
  RotateSecretInput,
  type ClientPage,
  type ClientsApi,
  type RegisteredClient,
  type RegisteredClientWithSecret,
  type RotatedSecret,
} from '@argus/contracts';
import { InvalidRequest } from '@argus/oauth';
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AdminTokenGuard } from '../guards/admin-token.guard';
import { jsonObject, noStore } from './request-params';

@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@Controller('admin/clients')
export class AdminClientsController {
  constructor(@Inject(ClientsContract.token) private readonly clients: ClientsApi) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Register a client; the secret is in this response only' })
  @ApiBody({ type: ClientMetadataInput })
  async create(@Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply): Promise<RegisteredClientWithSecret> {
    noStore(reply);
    return this.clients.create({ metadata: jsonObject(body) });
  }

  @Get()
  @ApiOperation({ summary: 'List clients, oldest id first' })
  @ApiQuery({ name: 'limit', required: false, type: Number })
  @ApiQuery({ name: 'cursor', required: false, type: String })
  list(@Query('limit') limit?: string, @Query('cursor') cursor?: string): Promise<ClientPage> {
    if (limit !== undefined && !/^\d+$/.test(limit)) throw new InvalidRequest('limit must be a positive integer');
    return this.clients.list({ limit: limit === undefined ? undefined : Number(limit), cursor });
  }

  @Get(':client_id')
  @ApiOperation({ summary: 'Read a client (never its secret)' })
  get(@Param('client_id') clientId: string): Promise<RegisteredClient> {
    return this.clients.get({ client_id: clientId });
  }

  @Patch(':client_id')
  @ApiOperation({ summary: 'Update client metadata' })
  @ApiBody({ type: ClientMetadataInput })
  update(@Param('client_id') clientId: string, @Body() body: unknown): Promise<RegisteredClient> {
    return this.clients.update({ client_id: clientId, patch: jsonObject(body) });
  }

  @Post(':client_id/secret')
  @HttpCode(200)
  @ApiOperation({ summary: 'Rotate the secret; the previous one stays valid for the grace period' })
  @ApiBody({ type: RotateSecretInput })
  async rotate(@Param('client_id') clientId: string, @Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply): Promise<RotatedSecret> {
    const input = body === undefined || body === null ? {} : jsonObject(body);
    const grace = input.grace_period_seconds ?? 0;
    if (typeof grace !== 'number') throw new InvalidRequest('grace_period_seconds must be an integer');
    noStore(reply);
    return this.clients.rotateSecret({ client_id: clientId, grace_period_seconds: grace });
  }

  @Delete(':client_id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a client; its tokens stop being active at once' })
  async remove(@Param('client_id') clientId: string): Promise<void> {
    await this.clients.remove({ client_id: clientId });
  }
}
