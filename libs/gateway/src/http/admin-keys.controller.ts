import { KeysContract, type KeySummary, type KeysApi } from '@argus/contracts';
import { Controller, Get, Inject, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminTokenGuard } from '../guards/admin-token.guard';

@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@Controller('admin/keys')
export class AdminKeysController {
  constructor(@Inject(KeysContract.token) private readonly keys: KeysApi) {}

  @Get()
  @ApiOperation({ summary: 'Signing keys and their status' })
  list(): Promise<KeySummary[]> {
    return this.keys.list({});
  }
}
