import { readdirSync, readFileSync } from 'node:fs';

/** True while a process exists and is not a zombie (a zombie has exited; only its entry remains). */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The state letter follows the parenthesised command name.
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/**
 * Live processes whose command line contains `marker`, by their pid in this process's view.
 * (A task in its own PID namespace knows only namespace pids, so tests find them from outside.)
 */
export function pidsWith(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(marker) && isAlive(pid)) pids.push(pid);
    } catch {
      // It exited while we looked.
    }
  }
  return pids;
}

/** Live processes whose whole command line is exactly `argv`. */
export function pidsOf(argv: readonly string[]): number[] {
  const wanted = `${argv.join('\0')}\0`;
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8') === wanted && isAlive(Number(entry))) pids.push(Number(entry));
    } catch {
      // It exited while we looked.
    }
  }
  return pids;
}
