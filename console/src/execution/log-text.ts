/** A task log as plain text, one line per log line, for the download link. */
import type { TaskLogLineView } from '../../../src/core/wire.js';

export function formatLogText(lines: Iterable<TaskLogLineView>): string {
  let text = '';
  for (const line of lines) {
    const item = line.item_index === undefined ? '' : ` [item ${line.item_index}]`;
    text += `${line.at} ${line.stream.padEnd(6)}${item} ${line.line}\n`;
  }
  return text;
}
