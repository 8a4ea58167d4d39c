/**
 * The DAG as SVG: one focusable node per task, coloured and labelled by status.
 * Loaded lazily (it pulls in the layout engine). Arrow keys are not needed to reach a
 * node: each is in the tab order and Enter or Space selects it.
 */
import { memo } from 'preact/compat';
import { useMemo } from 'preact/hooks';
import { layoutDag, NODE_HEIGHT, NODE_WIDTH, type DagNode, type DagTask } from './dag-layout.js';

export interface DagViewProps {
  tasks: readonly DagTask[];
  /** Status per task id; absent tasks are drawn as not run. */
  statuses?: ReadonlyMap<string, string> | undefined;
  selected?: string | null | undefined;
  onSelect?: ((taskId: string) => void) | undefined;
  label: string;
}

export default function DagView(props: DagViewProps) {
  const layout = useMemo(() => layoutDag(props.tasks), [props.tasks]);
  if (props.tasks.length === 0) return <p class="state empty">This workflow has no tasks.</p>;
  return (
    <div class="dag-scroll">
      <svg
        class="dag"
        role="group"
        aria-label={props.label}
        width={layout.width}
        height={layout.height}
        viewBox={`0 0 ${layout.width} ${layout.height}`}
      >
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M0,0L10,5L0,10z" class="dag-arrow" />
          </marker>
        </defs>
        <g class="dag-edges" aria-hidden="true">
          {layout.edges.map((e) => (
            <path key={`${e.from}>${e.to}`} d={e.path} class="dag-edge" marker-end="url(#arrow)" />
          ))}
        </g>
        {layout.nodes.map((node) => (
          <Node
            key={node.id}
            node={node}
            status={props.statuses?.get(node.id) ?? (props.statuses ? 'pending' : 'definition')}
            selected={props.selected === node.id}
            onSelect={props.onSelect}
          />
        ))}
      </svg>
    </div>
  );
}

const Node = memo(function Node(props: { node: DagNode; status: string; selected: boolean; onSelect?: ((id: string) => void) | undefined }) {
  const { node, status, selected, onSelect } = props;
  const label = node.id.length > 20 ? `${node.id.slice(0, 19)}…` : node.id;
  return (
    <g
      class={`dag-node status-${status}${selected ? ' selected' : ''}`}
      transform={`translate(${node.x},${node.y})`}
      data-task={node.id}
      data-status={status}
      role={onSelect ? 'button' : 'img'}
      // SVG attributes are case-sensitive: Preact sets them as written, and only `tabindex` makes the node focusable
      tabindex={onSelect ? 0 : undefined}
      aria-pressed={onSelect ? selected : undefined}
      aria-label={`${node.id}, ${node.action}${status === 'definition' ? '' : `, ${status}`}`}
      onClick={onSelect ? () => onSelect(node.id) : undefined}
      onKeyDown={
        onSelect
          ? (e) => {
              if (e.key === 'Enter' || e.key === ' ') {
                e.preventDefault();
                onSelect(node.id);
              }
            }
          : undefined
      }
    >
      <title>{`${node.id} (${node.action})${status === 'definition' ? '' : `: ${status}`}`}</title>
      <rect width={NODE_WIDTH} height={NODE_HEIGHT} rx="6" />
      <text x="10" y="16" class="dag-id">
        {label}
      </text>
      <text x="10" y="31" class="dag-action">
        {node.action.length > 24 ? `${node.action.slice(0, 23)}…` : node.action}
      </text>
    </g>
  );
});
