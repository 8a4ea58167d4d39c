/** What an in-process CLI run printed, for tests that compare runs. */
import type { OutputStream } from '../../../src/cli/cli-context.js';

/** An output stream that keeps everything written to it. */
export class Captured implements OutputStream {
  text = '';
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

/** One CLI run: its exit code and what it printed. */
export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}
