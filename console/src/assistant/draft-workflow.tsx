/** "Draft a workflow" for a pack, when the server has a model (write scope: the server checks drafts against the pack). */
import { useState } from 'preact/hooks';
import type { HarmoniaClient } from '../client.js';
import { ChatPanel } from './chat-panel.js';
import { DraftResult } from './draft-result.js';
import { useAssistant } from './use-assistant.js';
import { useExchanges } from './use-exchanges.js';

export function DraftWorkflow(props: { client: HarmoniaClient; pack: string; onClose(): void }) {
  const assistant = useAssistant(props.client);
  const { exchanges, busy, ask } = useExchanges();
  const [description, setDescription] = useState('');
  if (!assistant.configured) return null;
  return (
    <ChatPanel model={assistant.model} exchanges={exchanges} label={`Draft a workflow in ${props.pack}`}>
      <form
        class="chat-form"
        onSubmit={(e) => {
          e.preventDefault();
          const text = description.trim();
          if (!text) return;
          void ask(text, async () => <DraftResult draft={await props.client.draftWorkflow({ pack: props.pack, description: text })} />);
        }}
      >
        <label>
          What should a new workflow in {props.pack} do?
          <textarea rows={3} required value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
        </label>
        <div class="actions start">
          <button type="submit" class="primary" disabled={busy || !description.trim()}>
            Draft
          </button>
          <button type="button" onClick={props.onClose}>
            Close
          </button>
        </div>
      </form>
    </ChatPanel>
  );
}
