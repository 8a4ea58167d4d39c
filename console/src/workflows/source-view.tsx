import { Fragment } from 'preact';
import type { Diagnostic } from '../../../src/core/diagnostic.js';
/**
 * A definition's YAML with line numbers; each line is an anchor (#L12). Diagnostics given
 * here must be about this very text (the caller checks): each is drawn at its line, a
 * marker in the gutter and its message under the line; one without a line of its own
 * (line 0, or past the end) is listed above the source.
 */
export function SourceView(props: { source: string; label: string; diagnostics?: readonly Diagnostic[] }) {
  const lines = props.source.replace(/\n$/, '').split('\n');
  const atLine = new Map<number, Diagnostic[]>();
  const unplaced: Diagnostic[] = [];
  for (const d of props.diagnostics ?? []) {
    if (d.line >= 1 && d.line <= lines.length) atLine.set(d.line, [...(atLine.get(d.line) ?? []), d]);
    else unplaced.push(d);
  }
  return (
    <>
      {unplaced.length > 0 && <DiagnosticList items={unplaced} />}
      <div class="source" role="region" aria-label={props.label} tabIndex={0}>
        <table>
          <tbody>
            {lines.map((text, index) => {
              const here = atLine.get(index + 1);
              const worst = here?.some((d) => d.severity === 'error') ? 'error' : here?.some((d) => d.severity === 'warning') ? 'warning' : 'info';
              return (
                <Fragment key={index}>
                  <tr id={`L${index + 1}`} class={here ? `has-diagnostic severity-${worst}` : undefined}>
                    <td class="line-number" aria-hidden="true">
                      {here && <span class={`gutter-marker severity-${worst}`}>{worst === 'error' ? '✖' : worst === 'warning' ? '▲' : 'ℹ'}</span>}
                      {index + 1}
                    </td>
                    <td class="line">
                      <code>{text || ' '}</code>
                    </td>
                  </tr>
                  {here && (
                    <tr class="line-diagnostics" data-line={index + 1}>
                      <td class="line-number" aria-hidden="true" />
                      <td>
                        <ul class="diagnostics inline">
                          {here.map((d, i) => (
                            <li key={i} class={`severity-${d.severity}`}>
                              <span class="sr-only">
                                line {d.line} column {d.column}:
                              </span>{' '}
                              <span class={`badge severity-${d.severity}`}>{d.severity}</span> <code class="code">{d.code}</code> {d.message}
                              {d.hint && <span class="muted"> {d.hint}</span>}
                            </li>
                          ))}
                        </ul>
                      </td>
                    </tr>
                  )}
                </Fragment>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
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

/**
 * Diagnostics as a list, each with its file, line and column, for when their file is not
 * the one shown; `linkFor` may give a diagnostic a link to where it can be seen at its line.
 */
export function DiagnosticList(props: { items: readonly Diagnostic[]; linkFor?: (d: Diagnostic) => string | undefined }) {
  if (props.items.length === 0) return <p>No diagnostics.</p>;
  return (
    <ul class="diagnostics">
      {props.items.map((d, i) => {
        const href = props.linkFor?.(d);
        return (
          <li key={i} class={`severity-${d.severity}`}>
            <span class="mono">
              {d.file}:{d.line}:{d.column}
            </span>{' '}
            <span class={`badge severity-${d.severity}`}>{d.severity}</span> <code class="code">{d.code}</code> {d.message}
            {href && (
              <>
                {' '}
                <a href={href}>show at its line</a>
              </>
            )}
          </li>
        );
      })}
    </ul>
  );
}
