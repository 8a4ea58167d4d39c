/**
 * Lays a workflow's tasks out as a left-to-right DAG with dagre (the layout engine the
 * graph libraries use). Only the definition decides the layout, so it is computed once
 * per workflow version and task statuses only recolour it.
 */
import dagre from '@dagrejs/dagre';

export interface DagTask {
  id: string;
  action: string;
  depends_on: readonly string[];
}

export interface DagNode {
  id: string;
  action: string;
  x: number;
  y: number;
}

export interface DagLayout {
  width: number;
  height: number;
  nodes: DagNode[];
  edges: Array<{ from: string; to: string; path: string }>;
}

export const NODE_WIDTH = 168;
export const NODE_HEIGHT = 40;

export function layoutDag(tasks: readonly DagTask[]): DagLayout {
  const graph = new dagre.graphlib.Graph();
  graph.setGraph({ rankdir: 'LR', nodesep: 14, ranksep: 48, marginx: 12, marginy: 12 });
  graph.setDefaultEdgeLabel(() => ({}));
  const known = new Set(tasks.map((t) => t.id));
  for (const task of tasks) graph.setNode(task.id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const task of tasks) {
    for (const dep of task.depends_on) if (known.has(dep)) graph.setEdge(dep, task.id);
  }
  dagre.layout(graph);
  const nodes = tasks.map((task) => {
    const node = graph.node(task.id);
    return { id: task.id, action: task.action, x: node.x - NODE_WIDTH / 2, y: node.y - NODE_HEIGHT / 2 };
  });
  const edges = graph.edges().map((e) => {
    const points: Array<{ x: number; y: number }> = graph.edge(e).points ?? [];
    const path = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join('');
    return { from: e.v, to: e.w, path };
  });
  const size = graph.graph();
  return { width: Math.ceil(size.width ?? 0), height: Math.ceil(size.height ?? 0), nodes, edges };
}
