/** Tracks open WebSocket and SSE connections so shutdown can close them all. */
export interface StreamHub {
  /** Registers a connection's closer; returns the function that unregisters it. */
  add(close: (reason: string) => void): () => void;
  size(): number;
  closeAll(reason: string): void;
}

export function createStreamHub(): StreamHub {
  const open = new Set<(reason: string) => void>();
  return {
    add(close) {
      open.add(close);
      return () => open.delete(close);
    },
    size: () => open.size,
    closeAll(reason) {
      for (const close of [...open]) close(reason);
      open.clear();
    },
  };
}
