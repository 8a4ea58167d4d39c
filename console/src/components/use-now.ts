/**
 * The current time, re-read every `everyMs` while `active`: what keeps a running
 * execution's durations and timeline bars growing between events (a task that prints
 * nothing for a minute sends none). Each view that shows a growing time takes its own
 * clock, so a tick re-draws that view, not the page around it.
 */
import { useEffect, useState } from 'preact/hooks';

export function useNow(active: boolean, everyMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return undefined;
    setNow(Date.now());
    const handle = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(handle);
  }, [active, everyMs]);
  return active ? now : Date.now();
}
