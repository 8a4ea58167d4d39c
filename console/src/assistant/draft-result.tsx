/**
 * A drafted workflow: its YAML (the server wrote nothing; copy or download it into the
 * pack), whether it validated, its diagnostics at their lines, and each attempt's count.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { DraftView } from '../../../src/core/wire.js';
import { SourceView } from '../workflows/source-view.js';

export function DraftResult(props: { draft: DraftView }) {
  const { draft } = props;
  const [copied, setCopied] = useState<string | null>(null);
  const href = useMemo(() => URL.createObjectURL(new Blob([draft.yaml], { type: 'application/yaml' })), [draft.yaml]);
  useEffect(() => () => URL.revokeObjectURL(href), [href]);
  const fileName = draft.file.split('/').pop() ?? `${draft.name}.yaml`;
  return (
    <div class="draft">
      <p>
        <span class={`badge ${draft.valid ? 'status-completed' : 'status-failed'}`}>{draft.valid ? 'valid' : 'invalid'}</span> {draft.ref} ·{' '}
        <span class="mono">
          {draft.pack}/{draft.file}
        </span>{' '}
        · not saved: put it in the pack and sync.
      </p>
      <div class="actions start">
        <button
          type="button"
          onClick={() =>
            void navigator.clipboard.writeText(draft.yaml).then(
              () => setCopied('Copied.'),
              () => setCopied('The browser refused the clipboard; use Download.'),
            )
          }
        >
          Copy YAML
        </button>
        <a class="button" href={href} download={fileName}>
          Download {fileName}
        </a>
        {copied && <span role="status">{copied}</span>}
      </div>
      <SourceView source={draft.yaml} label={`Draft ${fileName}`} diagnostics={draft.diagnostics} />
      <table class="list" aria-label="Attempts">
        <thead>
          <tr>
            <th scope="col">Attempt</th>
            <th scope="col">Result</th>
            <th scope="col">Errors</th>
            <th scope="col">Warnings</th>
            <th scope="col">Codes</th>
          </tr>
        </thead>
        <tbody>
          {draft.attempts.map((a) => (
            <tr key={a.attempt}>
              <td>{a.attempt}</td>
              <td>{a.valid ? 'valid' : 'invalid'}</td>
              <td>{a.errors}</td>
              <td>{a.warnings}</td>
              <td class="mono">{a.codes.join(', ') || '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
