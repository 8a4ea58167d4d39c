import { argInteger, argNumber } from './function-spec.js';
import type { FunctionSpec } from './function-spec.js';

const unaryMath = (signature: string, op: (n: number) => number): FunctionSpec => ({
  minArgs: 1,
  maxArgs: 1,
  signature,
  call: ([n], ctx) => op(argNumber(n, 'the argument', ctx)),
});

/** Rounding and absolute value. */
export const MATH_FUNCTIONS: Readonly<Record<string, FunctionSpec>> = {
  round: {
    minArgs: 1,
    maxArgs: 2,
    signature: 'round(number, digits?)',
    call([n, digits], ctx) {
      const value = argNumber(n, 'the number', ctx);
      const d = digits === undefined ? 0 : Math.min(15, Math.max(0, argInteger(digits, 'the digits', ctx)));
      const factor = 10 ** d;
      return Math.round(value * factor) / factor;
    },
  },
  floor: unaryMath('floor(number)', Math.floor),
  ceil: unaryMath('ceil(number)', Math.ceil),
  abs: unaryMath('abs(number)', Math.abs),
};
