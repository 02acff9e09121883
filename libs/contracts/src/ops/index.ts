export * from './shared-settings';
