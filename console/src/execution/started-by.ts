/** The schedule page of a trigger id, split at its last slash (workflow refs hold no slash). */
export function triggerHref(id: string): string {
  const cut = id.lastIndexOf('/');
  return `/ui/schedules/${encodeURIComponent(id.slice(0, cut))}/${encodeURIComponent(id.slice(cut + 1))}`;
}
