export * from './authorization.api';
export * from './authorization.messages';
export * from './authorization.subjects';
export * from './user-input.dto';
export * from './scopes';
