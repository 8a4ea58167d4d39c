/** "Explain this failure" on a failed execution, when the server has a model. */
import type { HarmoniaClient } from '../client.js';
import { ChatPanel } from './chat-panel.js';
import { useAssistant } from './use-assistant.js';
import { useExchanges } from './use-exchanges.js';

export function ExplainFailure(props: { client: HarmoniaClient; executionId: string }) {
  const assistant = useAssistant(props.client);
  const { exchanges, busy, ask } = useExchanges();
  if (!assistant.configured) return null;
  return (
    <ChatPanel model={assistant.model} exchanges={exchanges}>
      <button
        type="button"
        disabled={busy}
        onClick={() =>
          void ask('Explain this failure.', async () => {
            const view = await props.client.explainExecution(props.executionId);
            return <p class="chat-text">{view.explanation}</p>;
          })
        }
      >
        Explain this failure
      </button>
      <p class="muted small">The model is told the statuses, errors, retries and recent events; never task inputs or outputs.</p>
    </ChatPanel>
  );
}
