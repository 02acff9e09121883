import type { ValueTransformer } from 'typeorm';

/** PostgreSQL returns BIGINT as a string; epoch seconds fit a JS number exactly. */
export const epochSeconds: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null || value === undefined ? value : Number(value)),
};

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
