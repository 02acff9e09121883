import 'reflect-metadata';
import { bootstrapServiceApp } from '@argus/platform';
import { TokenAppModule } from './token.module';

void bootstrapServiceApp('token', TokenAppModule);
