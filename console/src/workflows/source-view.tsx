/** A definition's YAML with line numbers; diagnostics are shown under the line they point at. */
import { Fragment } from 'preact';
import type { Diagnostic } from '../../../src/core/diagnostic.js';

export function SourceView(props: { source: string; diagnostics?: readonly Diagnostic[]; label: string }) {
  const lines = props.source.replace(/\n$/, '').split('\n');
  const byLine = new Map<number, Diagnostic[]>();
  for (const d of props.diagnostics ?? []) {
    const line = Math.min(Math.max(1, d.line), lines.length);
    byLine.set(line, [...(byLine.get(line) ?? []), d]);
  }
  return (
    <div class="source" role="region" aria-label={props.label} tabIndex={0}>
      <table>
        <tbody>
          {lines.map((text, index) => {
            const number = index + 1;
            const found = byLine.get(number);
            return (
              <Fragment key={number}>
                <tr id={`L${number}`} class={found ? 'has-diagnostic' : undefined}>
                  <td class="line-number" aria-hidden="true">
                    {number}
                  </td>
                  <td class="line">
                    <code>{text || ' '}</code>
                  </td>
                </tr>
                {found?.map((d, i) => (
                  <tr key={`${number}-d${i}`} class={`diagnostic severity-${d.severity}`}>
                    <td />
                    <td role="note">
                      <span class="sr-only">line {number}: </span>
                      {' '.repeat(Math.max(0, d.column - 1))}^ <code class="code">{d.code}</code> {d.message}
                    </td>
                  </tr>
                ))}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** A unified diff, each line marked as added, removed or context. */
export function DiffView(props: { diff: string }) {
  return (
    <pre class="diff" aria-label="Differences">
      {props.diff.split('\n').map((line, i) => (
        <span key={i} class={line.startsWith('+') && !line.startsWith('+++') ? 'add' : line.startsWith('-') && !line.startsWith('---') ? 'del' : line.startsWith('@@') ? 'hunk' : undefined}>
          {line}
          {'\n'}
        </span>
      ))}
    </pre>
  );
}
