/**
 * What a code frame must not quote. A diagnostic hides the value of a secret parameter
 * (show-value.ts), yet the frame under it prints the source line that holds the value: the
 * frame masks the same values, wherever the line shows them.
 */
import type { Diagnostic } from '../../core/diagnostic.js';
import { isSecretKey, MASK } from '../../core/secret-text.js';
import { joinPointer, type SourceSpan } from '../../core/source.js';
import { parseYamlFileWithYaml } from '../../packs/parse-yaml-file.js';
import { isSecretParameter } from '../../packs/rules/show-value.js';
import type { ParameterSpec } from '../../core/model.js';

// Where parameters are declared: a workflow's input, a template's and an action's parameters,
// a template body's own input.
const DECLARATIONS = ['/input', '/parameters', '/workflow/input'];

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The spans of `file` a frame shows masked: the value a diagnostic hid (it points at the
 * value it quotes), every default and enum value of a secret parameter declared in it, and
 * every literal a task passes under a key named like a secret.
 */
export function hiddenSpans(file: string, text: string, diagnostics: readonly Diagnostic[]): SourceSpan[] {
  const spans: SourceSpan[] = diagnostics
    .filter((d) => d.file === file && d.line > 0 && d.column > 0 && (d.message.includes(MASK) || (d.hint ?? '').includes(MASK)))
    .map((d) => ({ line: d.line, column: d.column, end_line: d.end_line || d.line, end_column: d.end_column }));
  if (!/\.ya?ml$/i.test(file) || text === '') return spans;
  const parsed = parseYamlFileWithYaml(text, file);
  try {
    const value = parsed.value;
    if (!isObject(value)) return spans;
    for (const base of DECLARATIONS) {
      const declared = base.split('/').slice(1).reduce<unknown>((at, key) => (isObject(at) ? at[key] : undefined), value);
      if (!isObject(declared)) continue;
      for (const [name, spec] of Object.entries(declared)) {
        if (!isObject(spec) || !isSecretParameter(name, spec as ParameterSpec)) continue;
        const pointers = [joinPointer(base, name, 'default'), ...(Array.isArray(spec.enum) ? spec.enum.map((_, i) => joinPointer(base, name, 'enum', i)) : [])];
        for (const pointer of pointers) if (parsed.source.node(pointer) !== null) spans.push(parsed.source.locate(pointer, 'value'));
      }
    }
    // Literals a task passes under a key named like a secret (a child workflow's input too):
    // hidden whatever the diagnostic on their line is about.
    const tasks = value['tasks'];
    const entries = Array.isArray(tasks) ? tasks.map((task, i) => [String(i), task] as const) : isObject(tasks) ? Object.entries(tasks) : [];
    for (const [id, task] of entries) {
      if (!isObject(task) || !isObject(task['input'])) continue;
      const given: Array<[string, Record<string, unknown>]> = [[joinPointer('/tasks', id, 'input'), task['input']]];
      if (isObject(task['input']['input'])) given.push([joinPointer('/tasks', id, 'input', 'input'), task['input']['input']]);
      for (const [base, input] of given) {
        for (const [key, literal] of Object.entries(input)) {
          if (!isSecretKey(key) || isObject(literal) || Array.isArray(literal) || (typeof literal === 'string' && literal.includes('${'))) continue;
          const pointer = joinPointer(base, key);
          if (parsed.source.node(pointer) !== null) spans.push(parsed.source.locate(pointer, 'value'));
        }
      }
    }
    return spans;
  } finally {
    parsed.release();
  }
}

/**
 * `line` (number `n`) with every hidden span on it replaced by the mask, and where a column
 * of the original line now is (so a caret still points at what it pointed at).
 */
export function maskLine(line: string, n: number, spans: readonly SourceSpan[]): { text: string; column: (column: number) => number } {
  const cuts: Array<[number, number]> = [];
  for (const span of spans) {
    if (span.line > n || span.end_line < n) continue;
    // 0-based [start, end) on this line; a span that began above covers the line from its indent.
    const start = span.line === n ? span.column - 1 : line.length - line.trimStart().length;
    const end = span.end_line === n ? span.end_column - 1 : line.length;
    if (end > start) cuts.push([start, Math.min(end, line.length)]);
  }
  if (cuts.length === 0) return { text: line, column: (column) => column };
  cuts.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const cut of cuts) {
    const last = merged.at(-1);
    if (last && cut[0] <= last[1]) last[1] = Math.max(last[1], cut[1]);
    else merged.push([cut[0], cut[1]]);
  }
  let text = '';
  let at = 0;
  for (const [start, end] of merged) {
    text += line.slice(at, start) + MASK;
    at = end;
  }
  text += line.slice(at);
  const column = (col: number): number => {
    let shift = 0;
    for (const [start, end] of merged) {
      if (col - 1 >= end) shift += MASK.length - (end - start);
      else if (col - 1 > start) return start + 1 + shift + MASK.length;
    }
    return col + shift;
  };
  return { text, column };
}
