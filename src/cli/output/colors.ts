/** ANSI styling that collapses to identity functions when colour is off. */
export interface Colors {
  readonly enabled: boolean;
  red(text: string): string;
  yellow(text: string): string;
  green(text: string): string;
  cyan(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const wrap = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;
const identity = (text: string) => text;

/** Creates the colour functions; all of them return their input unchanged when `enabled` is false. */
export function createColors(enabled: boolean): Colors {
  if (!enabled) {
    return { enabled, red: identity, yellow: identity, green: identity, cyan: identity, dim: identity, bold: identity };
  }
  return {
    enabled,
    red: wrap(31, 39),
    yellow: wrap(33, 39),
    green: wrap(32, 39),
    cyan: wrap(36, 39),
    dim: wrap(2, 22),
    bold: wrap(1, 22),
  };
}

/**
 * Colour only on a terminal, and never when NO_COLOR is set to a non-empty value
 * (https://no-color.org). FORCE_COLOR=0 turns it off, any other FORCE_COLOR value on.
 * `isTTY` may be a function, called only when the environment leaves the answer open
 * (asking whether a stream is a terminal can cost a module load: src/cli/fd-output.ts).
 */
export function shouldUseColor(isTTY: boolean | (() => boolean), env: Readonly<Record<string, string | undefined>>): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  return env.TERM !== 'dumb' && (typeof isTTY === 'function' ? isTTY() : isTTY);
}

// Matches SGR sequences only: that is all createColors emits.
const ANSI_PATTERN = /\u001b\[[0-9;]*m/g;

/** Removes colour codes, so widths can be measured on what the terminal shows. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI_PATTERN, '');
}
