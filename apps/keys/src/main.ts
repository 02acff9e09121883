import 'reflect-metadata';
import { bootstrapServiceApp } from '@argus/platform';
import { KeysAppModule } from './keys.module';

void bootstrapServiceApp('keys', KeysAppModule);
