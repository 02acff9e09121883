import 'reflect-metadata';
import { bootstrapServiceApp } from '@argus/platform';
import { AuthorizationAppModule } from './authorization.module';

void bootstrapServiceApp('authorization', AuthorizationAppModule);
