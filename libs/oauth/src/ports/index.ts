export * from './client-credentials';
