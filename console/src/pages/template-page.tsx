/** One template: its parameters and source, and instantiation through a generated form. */
import { useRoute } from 'preact-iso';
import { useState } from 'preact/hooks';
import type { WorkflowDetail } from '../../../src/core/wire.js';
import { ParamsForm } from '../components/params-form.js';
import { Loaded } from '../components/states.js';
import { useAsync } from '../components/use-async.js';
import { useSession } from '../session.js';
import { SourceView } from '../workflows/source-view.js';

export function TemplatePage() {
  const { params } = useRoute();
  const { client, canWrite } = useSession();
  const ref = params.template ?? '';
  const state = useAsync((signal) => client.getTemplate(ref, { signal }), [ref]);
  const [name, setName] = useState('');
  const [created, setCreated] = useState<WorkflowDetail | null>(null);
  return (
    <Loaded state={state} what="the template">
      {(template) => (
        <article aria-labelledby="template-title">
          <p class="crumbs">
            <a href="/ui/templates">Templates</a> /
          </p>
          <h1 id="template-title">
            {template.ref} <span class="muted">v{template.version}</span>
          </h1>
          {template.description && <p>{template.description}</p>}
          {canWrite && (
            <section aria-labelledby="instantiate-title">
              <h2 id="instantiate-title">Instantiate</h2>
              <ParamsForm
                idPrefix="param"
                specs={template.parameters}
                submitLabel="Create workflow"
                onSubmit={async (values) => {
                  setCreated(await client.instantiateTemplate(template.ref, values, name.trim() ? { name: name.trim() } : {}));
                }}
              >
                <div class="field">
                  <label for="instance-name">Workflow name</label>
                  <input id="instance-name" value={name} onInput={(e) => setName(e.currentTarget.value)} placeholder="optional" aria-describedby="instance-name-help" />
                  <p id="instance-name-help" class="help">
                    The new workflow's name; the server picks one from the template when empty.
                  </p>
                </div>
              </ParamsForm>
              {created && (
                <p class="notice" role="status">
                  Created <a href={`/ui/workflows/${encodeURIComponent(created.ref)}`}>{created.ref}</a> v{created.version}.{' '}
                  <a class="button primary" href={`/ui/workflows/${encodeURIComponent(created.ref)}?tab=run`}>
                    Run it
                  </a>
                </p>
              )}
            </section>
          )}
          <section aria-labelledby="template-source-title">
            <h2 id="template-source-title">Source</h2>
            <SourceView source={template.source} label={`Source of ${template.ref}`} />
          </section>
        </article>
      )}
    </Loaded>
  );
}
