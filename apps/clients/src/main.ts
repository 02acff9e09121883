import 'reflect-metadata';
import { ClientsService, provisionBootstrapAdmin } from '@argus/clients';
import { ArgusConfig, bootstrapServiceApp, LOGGER } from '@argus/platform';
import { ClientsAppModule } from './clients.module';

void bootstrapServiceApp('clients', ClientsAppModule, (app) => provisionBootstrapAdmin(app.get(ClientsService), app.get(ArgusConfig), app.get(LOGGER)));
