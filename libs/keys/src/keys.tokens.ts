export const KEY_ENCRYPTION = Symbol('KEY_ENCRYPTION');
