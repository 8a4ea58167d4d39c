/**
 * A line diff by longest common subsequence, and its rendering as a unified diff
 * (the `diff -u` / `git diff` shape reviewers already read).
 */

export type DiffOp = { kind: 'equal' | 'delete' | 'insert'; line: string };

/** Above this many table cells the middle of the two files is shown as replaced whole. */
const MAX_LCS_CELLS = 16_000_000;

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(/\r?\n/);
  // A trailing newline ends the last line; it does not start an empty one.
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/**
 * The edit script turning `before` into `after`, line by line. Common leading and
 * trailing lines are matched first, so a small edit in a large file stays cheap.
 */
export function diffLines(before: string, after: string): DiffOp[] {
  const a = splitLines(before);
  const b = splitLines(after);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start += 1;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA -= 1;
    endB -= 1;
  }
  const head: DiffOp[] = a.slice(0, start).map((line) => ({ kind: 'equal', line }));
  const tail: DiffOp[] = a.slice(endA).map((line) => ({ kind: 'equal', line }));
  return [...head, ...diffMiddle(a.slice(start, endA), b.slice(start, endB)), ...tail];
}

function diffMiddle(a: readonly string[], b: readonly string[]): DiffOp[] {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0 || (n + 1) * (m + 1) > MAX_LCS_CELLS) {
    return [
      ...a.map((line): DiffOp => ({ kind: 'delete', line })),
      ...b.map((line): DiffOp => ({ kind: 'insert', line })),
    ];
  }
  // lcs[i][j] = length of the LCS of a[i..] and b[j..], stored row-major.
  const width = m + 1;
  const lcs = new Uint32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i -= 1) {
    for (let j = m - 1; j >= 0; j -= 1) {
      lcs[i * width + j] =
        a[i] === b[j]
          ? (lcs[(i + 1) * width + j + 1] ?? 0) + 1
          : Math.max(lcs[(i + 1) * width + j] ?? 0, lcs[i * width + j + 1] ?? 0);
    }
  }
  const ops: DiffOp[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    const left = a[i] ?? '';
    if (left === b[j]) {
      ops.push({ kind: 'equal', line: left });
      i += 1;
      j += 1;
    } else if ((lcs[(i + 1) * width + j] ?? 0) >= (lcs[i * width + j + 1] ?? 0)) {
      ops.push({ kind: 'delete', line: left });
      i += 1;
    } else {
      ops.push({ kind: 'insert', line: b[j] ?? '' });
      j += 1;
    }
  }
  for (; i < n; i += 1) ops.push({ kind: 'delete', line: a[i] ?? '' });
  for (; j < m; j += 1) ops.push({ kind: 'insert', line: b[j] ?? '' });
  return ops;
}

export interface UnifiedDiffOptions {
  /** Header of the old side, e.g. `deploy_app.yaml@v1`. @default 'a' */
  fromLabel?: string;
  /** @default 'b' */
  toLabel?: string;
  /** Unchanged lines shown around each change. @default 3 */
  context?: number;
}

interface Hunk {
  start: number;
  end: number;
}

function hunkRange(start: number, count: number): string {
  // diff -u writes an empty side as `start-1,0`.
  if (count === 0) return `${Math.max(0, start - 1)},0`;
  return count === 1 ? String(start) : `${start},${count}`;
}

/**
 * Renders a unified diff of two texts; '' when they are equal.
 *
 * @example
 * process.stdout.write(formatUnifiedDiff(v1.source, v2.source, { fromLabel: 'v1', toLabel: 'v2' }));
 */
export function formatUnifiedDiff(before: string, after: string, options: UnifiedDiffOptions = {}): string {
  const ops = diffLines(before, after);
  const context = Math.max(0, options.context ?? 3);
  const hunks: Hunk[] = [];
  ops.forEach((op, index) => {
    if (op.kind === 'equal') return;
    const start = Math.max(0, index - context);
    const end = Math.min(ops.length, index + context + 1);
    const last = hunks.at(-1);
    if (last && start <= last.end) last.end = Math.max(last.end, end);
    else hunks.push({ start, end });
  });
  if (hunks.length === 0) return '';

  // Line numbers (1-based) on each side before every op.
  const oldLine: number[] = [];
  const newLine: number[] = [];
  let o = 1;
  let n = 1;
  for (const op of ops) {
    oldLine.push(o);
    newLine.push(n);
    if (op.kind !== 'insert') o += 1;
    if (op.kind !== 'delete') n += 1;
  }

  const out = [`--- ${options.fromLabel ?? 'a'}`, `+++ ${options.toLabel ?? 'b'}`];
  for (const hunk of hunks) {
    const slice = ops.slice(hunk.start, hunk.end);
    const oldCount = slice.filter((op) => op.kind !== 'insert').length;
    const newCount = slice.filter((op) => op.kind !== 'delete').length;
    const oldStart = oldLine[hunk.start] ?? 1;
    const newStart = newLine[hunk.start] ?? 1;
    out.push(`@@ -${hunkRange(oldStart, oldCount)} +${hunkRange(newStart, newCount)} @@`);
    for (const op of slice) out.push(`${op.kind === 'equal' ? ' ' : op.kind === 'delete' ? '-' : '+'}${op.line}`);
  }
  return out.join('\n') + '\n';
}
