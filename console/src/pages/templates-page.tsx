/** Templates: each with its parameters. */
import { Empty, Loaded } from '../components/states.js';
import { useAsync } from '../components/use-async.js';
import { useSession } from '../session.js';

export function TemplatesPage() {
  const { client } = useSession();
  const state = useAsync((signal) => client.listTemplates({ signal, limit: 200 }), []);
  return (
    <section aria-labelledby="templates-title">
      <h1 id="templates-title">Templates</h1>
      <Loaded state={state} what="templates">
        {(page) =>
          page.items.length === 0 ? (
            <Empty>
              <p>No templates. Put them under a pack's templates/ folder and sync it.</p>
            </Empty>
          ) : (
            <table class="list">
              <thead>
                <tr>
                  <th scope="col">Template</th>
                  <th scope="col">Pack</th>
                  <th scope="col">Version</th>
                  <th scope="col">Parameters</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((t) => (
                  <tr key={t.ref}>
                    <td>
                      <a href={`/ui/templates/${encodeURIComponent(t.ref)}`}>{t.ref}</a>
                      {t.description && <span class="muted"> {t.description}</span>}
                    </td>
                    <td>{t.pack_ref}</td>
                    <td>v{t.version}</td>
                    <td class="mono">
                      {Object.entries(t.parameters)
                        .map(([name, spec]) => `${name}${spec.required ? '*' : ''}: ${spec.type ?? 'any'}`)
                        .join(', ') || '—'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loaded>
    </section>
  );
}
