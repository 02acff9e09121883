/**
 * A service contract: the injection token callers depend on, and the NATS subject of each
 * method. Callers see only the interface; the binding (local class or NATS proxy) is chosen by
 * configuration.
 */
export interface Contract<T> {
  readonly service: string;
  readonly token: symbol;
  readonly subjects: { readonly [K in keyof T]: string };
}

/**
 * Every subject starts with a prefix (`argus` unless ARGUS_NATS_SUBJECT_PREFIX says otherwise),
 * so that two deployments can share one NATS server without hearing each other.
 */
export const SUBJECT_PREFIX = process.env.ARGUS_NATS_SUBJECT_PREFIX || 'argus';

export function defineContract<T>(service: string, methods: readonly (keyof T & string)[]): Contract<T> {
  const subjects = Object.fromEntries(methods.map((m) => [m, `${SUBJECT_PREFIX}.${service}.${m}`]));
  return { service, token: Symbol.for(`argus.contract.${service}`), subjects } as Contract<T>;
}
