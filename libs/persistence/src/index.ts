export * from './database-url';
export * from './service-database';
export * from './columns';
export * from './database-readiness';
export * from './periodic-purge';
export * from './unique-violation';
