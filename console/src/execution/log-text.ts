/** A task log as plain text for the download link: each line after its time, stream and fan-out item, its text as stored. */
import type { TaskLogLineView } from '../../../src/core/wire.js';

export function formatLogText(lines: Iterable<TaskLogLineView>): string {
  let text = '';
  for (const line of lines) {
    const item = line.item_index === undefined ? '' : ` [item ${line.item_index}]`;
    text += `${line.at} ${line.stream.padEnd(6)}${item} ${line.line}\n`;
  }
  return text;
}
