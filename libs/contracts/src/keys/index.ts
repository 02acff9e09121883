export * from './keys.api';
export * from './keys.messages';
export * from './keys.subjects';
