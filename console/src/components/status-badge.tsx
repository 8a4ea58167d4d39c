/** A status as a coloured badge with its word (colour is never the only cue). */
export function StatusBadge(props: { status: string }) {
  return <span class={`badge status-${props.status}`}>{props.status}</span>;
}
