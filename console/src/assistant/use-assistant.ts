/**
 * Whether the server has a model configured (`GET /assistant`), asked once per client:
 * the assistant's buttons and panels appear only when it has. A failure to ask counts as
 * "not configured" so the rest of the page is never held up by it.
 */
import { useEffect, useState } from 'preact/hooks';
import type { AssistantStatusView } from '../../../src/core/wire.js';
import type { HarmoniaClient } from '../client.js';

const asked = new WeakMap<HarmoniaClient, Promise<AssistantStatusView>>();
const NONE: AssistantStatusView = { configured: false, model: null };

export function useAssistant(client: HarmoniaClient): AssistantStatusView {
  const [status, setStatus] = useState<AssistantStatusView>(NONE);
  useEffect(() => {
    let pending = asked.get(client);
    if (pending === undefined) {
      pending = client.getAssistantStatus().catch(() => NONE);
      asked.set(client, pending);
    }
    let live = true;
    void pending.then((s) => live && setStatus(s));
    return () => {
      live = false;
    };
  }, [client]);
  return status;
}
