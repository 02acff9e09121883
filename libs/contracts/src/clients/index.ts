export * from './clients.api';
export * from './clients.messages';
export * from './clients.subjects';
export * from './client-metadata.dto';
