/**
 * The DAG as SVG: one focusable node per task, coloured and labelled by status.
 * Loaded lazily (it pulls in the layout engine). Arrow keys are not needed to reach a
 * node: each is in the tab order and Enter or Space selects it. A graph of more than
 * WINDOW_ABOVE tasks draws only the nodes and edges near the scrolled viewport, so a
 * thousand-task execution costs what a hundred-task one does.
 */
import { memo } from 'preact/compat';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { layoutDag, NODE_HEIGHT, NODE_WIDTH, type DagNode, type DagTask } from './dag-layout.js';

export interface DagViewProps {
  tasks: readonly DagTask[];
  /** Status per task id; absent tasks are drawn as not run. */
  statuses?: ReadonlyMap<string, string> | undefined;
  selected?: string | null | undefined;
  onSelect?: ((taskId: string) => void) | undefined;
  label: string;
}

/** Graphs with more tasks than this are drawn windowed. */
export const WINDOW_ABOVE = 300;
/** Pixels drawn beyond each edge of the viewport, so a short scroll shows no gap. */
const OVERSCAN = 400;

interface View {
  left: number;
  top: number;
  width: number;
  height: number;
}

export default function DagView(props: DagViewProps) {
  const layout = useMemo(() => layoutDag(props.tasks), [props.tasks]);
  const scroller = useRef<HTMLDivElement>(null);
  const windowed = layout.nodes.length > WINDOW_ABOVE;
  const [view, setView] = useState<View | null>(null);
  useEffect(() => {
    const element = scroller.current;
    if (!windowed || element === null) return undefined;
    let frame = 0;
    const measure = () => {
      frame = 0;
      setView({ left: element.scrollLeft, top: element.scrollTop, width: element.clientWidth, height: element.clientHeight });
    };
    const schedule = () => {
      if (frame === 0) frame = requestAnimationFrame(measure);
    };
    measure();
    element.addEventListener('scroll', schedule, { passive: true });
    const resize = new ResizeObserver(schedule);
    resize.observe(element);
    return () => {
      element.removeEventListener('scroll', schedule);
      resize.disconnect();
      if (frame !== 0) cancelAnimationFrame(frame);
    };
  }, [windowed]);
  const { nodes, edges } = useMemo(() => {
    if (!windowed || view === null) return windowed ? { nodes: [], edges: [] } : layout;
    const x0 = view.left - OVERSCAN;
    const x1 = view.left + view.width + OVERSCAN;
    const y0 = view.top - OVERSCAN;
    const y1 = view.top + view.height + OVERSCAN;
    const near = (x: number, y: number) => x + NODE_WIDTH >= x0 && x <= x1 && y + NODE_HEIGHT >= y0 && y <= y1;
    const shown = layout.nodes.filter((n) => near(n.x, n.y));
    const at = new Map(layout.nodes.map((n) => [n.id, n]));
    const visibleEdges = layout.edges.filter((e) => {
      const a = at.get(e.from);
      const b = at.get(e.to);
      if (!a || !b) return false;
      return Math.max(a.x, b.x) + NODE_WIDTH >= x0 && Math.min(a.x, b.x) <= x1 && Math.max(a.y, b.y) + NODE_HEIGHT >= y0 && Math.min(a.y, b.y) <= y1;
    });
    return { nodes: shown, edges: visibleEdges };
  }, [layout, view, windowed]);
  if (props.tasks.length === 0) return <p class="state empty">This workflow has no tasks.</p>;
  return (
    <div class="dag-scroll" ref={scroller} tabIndex={windowed ? 0 : undefined} aria-label={windowed ? `${props.label}: scroll to see more` : undefined}>
      <svg
        class="dag"
        role="group"
        aria-label={props.label}
        data-tasks={layout.nodes.length}
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
          {edges.map((e) => (
            <path key={`${e.from}>${e.to}`} d={e.path} class="dag-edge" marker-end="url(#arrow)" />
          ))}
        </g>
        {nodes.map((node) => (
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
