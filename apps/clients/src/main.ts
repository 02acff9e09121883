import 'reflect-metadata';
import { ClientsService } from '@argus/clients';
import { ArgusConfig, bootstrapServiceApp } from '@argus/platform';
import { ClientsAppModule } from './clients.module';

void bootstrapServiceApp('clients', ClientsAppModule, async (app) => {
  const admin = app.get(ArgusConfig).bootstrapAdmin;
  if (admin) await app.get(ClientsService).ensureBootstrapAdmin(admin);
});
