import 'reflect-metadata';
import { bootstrapServiceApp } from '@argus/platform';
import { IntrospectionAppModule } from './introspection.module';

void bootstrapServiceApp('introspection', IntrospectionAppModule);
