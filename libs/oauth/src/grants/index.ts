export * from './grant-handler';
