/** The exchanges of a chat panel: ask adds one, then fills in its answer or error. */
import type { ComponentChildren } from 'preact';
import { useCallback, useRef, useState } from 'preact/hooks';
import type { Exchange } from './chat-panel.js';

export function useExchanges(): { exchanges: Exchange[]; busy: boolean; ask(question: string, work: () => Promise<ComponentChildren>): Promise<void> } {
  const [exchanges, setExchanges] = useState<Exchange[]>([]);
  const [busy, setBusy] = useState(false);
  const next = useRef(1);
  const ask = useCallback(async (question: string, work: () => Promise<ComponentChildren>) => {
    const id = next.current++;
    setBusy(true);
    setExchanges((list) => [...list, { id, question }]);
    const settle = (patch: Partial<Exchange>) => setExchanges((list) => list.map((x) => (x.id === id ? { ...x, ...patch } : x)));
    try {
      settle({ answer: await work() });
    } catch (caught) {
      settle({ error: caught instanceof Error ? caught : new Error(String(caught)) });
    } finally {
      setBusy(false);
    }
  }, []);
  return { exchanges, busy, ask };
}
