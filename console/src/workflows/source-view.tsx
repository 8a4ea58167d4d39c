import type { Diagnostic } from '../../../src/core/diagnostic.js';
/**
 * A definition's YAML with line numbers; each line is an anchor (#L12). Diagnostics are
 * listed apart (DiagnosticList): the server reports them for the file of a commit that
 * failed to sync, whose text it does not serve, not for the version shown here.
 */
export function SourceView(props: { source: string; label: string }) {
  const lines = props.source.replace(/\n$/, '').split('\n');
  return (
    <div class="source" role="region" aria-label={props.label} tabIndex={0}>
      <table>
        <tbody>
          {lines.map((text, index) => (
            <tr key={index} id={`L${index + 1}`}>
              <td class="line-number" aria-hidden="true">
                {index + 1}
              </td>
              <td class="line">
                <code>{text || ' '}</code>
              </td>
            </tr>
          ))}
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

/** Diagnostics as a list, each with its file, line and column, for when their file is not the one shown. */
export function DiagnosticList(props: { items: readonly Diagnostic[] }) {
  if (props.items.length === 0) return <p>No diagnostics.</p>;
  return (
    <ul class="diagnostics">
      {props.items.map((d, i) => (
        <li key={i} class={`severity-${d.severity}`}>
          <span class="mono">
            {d.file}:{d.line}:{d.column}
          </span>{' '}
          <span class={`badge severity-${d.severity}`}>{d.severity}</span> <code class="code">{d.code}</code> {d.message}
        </li>
      ))}
    </ul>
  );
}
