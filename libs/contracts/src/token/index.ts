export * from './token.api';
export * from './token.messages';
export * from './token.subjects';
