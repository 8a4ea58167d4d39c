import { InvalidArgumentError } from 'commander';

/** Commander argument parser for a whole number ≥ 1 (a usage error otherwise). */
export function parsePositiveInt(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    throw new InvalidArgumentError(`expected a whole number of 1 or more, got '${value}'`);
  }
  return Number(value);
}
