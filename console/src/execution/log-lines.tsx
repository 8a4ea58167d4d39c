/**
 * A task log drawn as fixed-height rows, only those near the scrolled viewport (a log of
 * 100,000 lines costs what one screenful does). It keeps the newest line in view while
 * the user is at the bottom, and stays where they scrolled to otherwise. stderr and the
 * engine's `system` notes are marked by a word as well as a colour.
 */
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { TaskLogLineView } from '../../../src/core/wire.js';

/** Must match `.log-line` height in styles.css. */
const ROW_PX = 18;
const VIEW_ROWS = 20;
const OVERSCAN = 20;

export function LogLines(props: { lines: TaskLogLineView[]; version: number; label: string }) {
  const box = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);
  const [top, setTop] = useState(0);
  const count = props.lines.length;
  const height = Math.min(count, VIEW_ROWS) * ROW_PX;

  useLayoutEffect(() => {
    const el = box.current;
    if (el && pinned.current) {
      el.scrollTop = el.scrollHeight;
      setTop(el.scrollTop);
    }
  }, [props.version, count]);

  const onScroll = () => {
    const el = box.current;
    if (!el) return;
    pinned.current = el.scrollTop + el.clientHeight >= el.scrollHeight - ROW_PX;
    setTop(el.scrollTop);
  };

  const first = Math.max(0, Math.floor(top / ROW_PX) - OVERSCAN);
  const last = Math.min(count, Math.ceil((top + height) / ROW_PX) + OVERSCAN);
  const shown = props.lines.slice(first, last);
  return (
    <div ref={box} class="log-lines" style={{ height: `${height + 2}px` }} onScroll={onScroll} tabIndex={0} role="region" aria-label={props.label} data-lines={count}>
      <div class="log-spacer" style={{ height: `${count * ROW_PX}px` }}>
        <div class="log-window" style={{ transform: `translateY(${first * ROW_PX}px)` }}>
          {shown.map((line) => (
            <LogLine key={line.seq} line={line} />
          ))}
        </div>
      </div>
    </div>
  );
}

/** One line: time, the stream when it is not stdout, the fan-out item, the text. */
export function LogLine(props: { line: TaskLogLineView }) {
  const { line } = props;
  return (
    <div class={`log-line log-${line.stream}`} data-seq={line.seq} data-stream={line.stream}>
      <time class="log-at" dateTime={line.at}>
        {line.at.slice(11, 23)}
      </time>
      {line.stream !== 'stdout' && <span class="log-stream">{line.stream === 'stderr' ? 'err' : 'sys'}</span>}
      {line.item_index !== undefined && <span class="log-item">item {line.item_index}</span>}
      {/* rows are one fixed height: a note carrying line breaks (an error's stderr tail) shows them as ⏎ */}
      <span class="log-text">{line.line.includes('\n') ? line.line.replace(/\r?\n/g, ' ⏎ ') : line.line}</span>
    </div>
  );
}
