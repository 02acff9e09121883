import 'reflect-metadata';
import { ClientsService } from '@argus/clients';
import { bootstrapServiceApp, loadConfigOrExit } from '@argus/platform';
import { ClientsAppModule } from './clients.module';

void bootstrapServiceApp('clients', ClientsAppModule, async (app) => {
  const config = loadConfigOrExit();
  if (config.ARGUS_BOOTSTRAP_ADMIN_CLIENT_ID && config.ARGUS_BOOTSTRAP_ADMIN_CLIENT_SECRET) {
    await app.get(ClientsService).ensureBootstrapAdmin({
      clientId: config.ARGUS_BOOTSTRAP_ADMIN_CLIENT_ID,
      secret: config.ARGUS_BOOTSTRAP_ADMIN_CLIENT_SECRET,
    });
  }
});
