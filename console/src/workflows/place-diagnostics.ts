/**
 * Whether diagnostics can be drawn on the source a page shows. They come from another
 * reading of the file (the pack folder on the server for Validate, a failing git commit
 * for a sync), whose text the server does not serve. So each diagnostic of the shown
 * file is checked against the shown text: its JSON pointer is located in that text the
 * way the server located it (src/core/source.ts, the same code), and the position must
 * be where the diagnostic says. If every one agrees they are drawn at their lines;
 * otherwise they are about another text and stay a list.
 *
 * A change that moves nothing (a different value at the same place) is not detected:
 * positions are all a diagnostic carries.
 */
import { isScalar, LineCounter, parseDocument } from 'yaml';
import type { Diagnostic } from '../../../src/core/diagnostic.js';
import { createSourceMap } from '../../../src/core/source.js';
import { isFileOf } from './diagnostic-file.js';

export interface Placement {
  /** Diagnostics of the shown file that agree with the shown text: draw them at their lines. */
  inline: Diagnostic[];
  /** Diagnostics of the shown file that do not fit the shown text (all of them, when one does not). */
  mismatched: Diagnostic[];
  /** Diagnostics of other files. */
  elsewhere: Diagnostic[];
}

export function placeDiagnostics(source: string, pack: string, file: string, diagnostics: readonly Diagnostic[]): Placement {
  const mine = diagnostics.filter((d) => isFileOf(d, pack, file));
  const elsewhere = diagnostics.filter((d) => !isFileOf(d, pack, file));
  if (mine.length === 0) return { inline: [], mismatched: [], elsewhere };
  const counter = new LineCounter();
  const doc = parseDocument(source, { prettyErrors: false, uniqueKeys: false, merge: true, lineCounter: counter });
  // the shown version was registered, so it parsed; errors here mean it is not YAML we can map
  if (doc.errors.length > 0) return { inline: [], mismatched: mine, elsewhere };
  const map = createSourceMap(doc, counter, source);
  const lineCount = source.replace(/\n$/, '').split('\n').length;
  const fits = (d: Diagnostic): boolean => {
    if (d.line === 0) return true; // about the file as a whole: nothing to contradict
    if (d.line > lineCount) return false;
    const at = (s: { line: number; column: number }) => s.line === d.line && s.column === d.column;
    if (at(map.locate(d.pointer, 'value')) || at(map.locate(d.pointer, 'key'))) return true;
    // a problem inside a string (an expression) points into the string's own span
    const node = map.node(d.pointer);
    if (isScalar(node) && node.range) {
      const start = counter.linePos(node.range[0]);
      const end = counter.linePos(node.range[1]);
      const after = (a: { line: number; col: number }) => d.line > a.line || (d.line === a.line && d.column >= a.col);
      const before = (b: { line: number; col: number }) => d.line < b.line || (d.line === b.line && d.column <= b.col);
      return after(start) && before(end);
    }
    return false;
  };
  return mine.every(fits) ? { inline: mine, mismatched: [], elsewhere } : { inline: [], mismatched: mine, elsewhere };
}
