/**
 * Lays a workflow's tasks out as a left-to-right DAG: with dagre (the layout engine the
 * graph libraries use, which minimises edge crossings) up to DAGRE_MAX_TASKS tasks, and
 * above that with a linear-time layering (rank = longest path from a root, order within a
 * rank by the parents' mean position), because dagre's crossing reduction takes seconds
 * on a thousand tasks. Only the definition decides the layout, so it is computed once per
 * workflow version and task statuses only recolour it.
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

/** Above this many tasks the fast layering is used instead of dagre. */
export const DAGRE_MAX_TASKS = 250;
const NODE_SEP = 14;
const RANK_SEP = 48;
const MARGIN = 12;

export function layoutDag(tasks: readonly DagTask[]): DagLayout {
  return tasks.length > DAGRE_MAX_TASKS ? layoutLayered(tasks) : layoutWithDagre(tasks);
}

function layoutWithDagre(tasks: readonly DagTask[]): DagLayout {
  const graph = new dagre.graphlib.Graph();
  graph.setGraph({ rankdir: 'LR', nodesep: NODE_SEP, ranksep: RANK_SEP, marginx: MARGIN, marginy: MARGIN });
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

/** Longest-path layering with one barycentre pass: O(tasks + edges). */
export function layoutLayered(tasks: readonly DagTask[]): DagLayout {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const rank = new Map<string, number>();
  const rankOf = (id: string, seen: Set<string>): number => {
    const known = rank.get(id);
    if (known !== undefined) return known;
    // a cycle cannot pass validation; the guard keeps a bad definition from recursing for ever
    if (seen.has(id)) return 0;
    seen.add(id);
    let r = 0;
    for (const dep of byId.get(id)?.depends_on ?? []) if (byId.has(dep)) r = Math.max(r, rankOf(dep, seen) + 1);
    rank.set(id, r);
    return r;
  };
  const layers: DagTask[][] = [];
  for (const task of tasks) {
    const r = rankOf(task.id, new Set());
    (layers[r] ??= []).push(task);
  }
  const position = new Map<string, number>();
  layers.forEach((layer, r) => {
    if (r > 0) {
      const centre = (t: DagTask): number => {
        const parents = t.depends_on.map((d) => position.get(d)).filter((p): p is number => p !== undefined);
        return parents.length === 0 ? 0 : parents.reduce((a, b) => a + b, 0) / parents.length;
      };
      const keyed = layer.map((t, i) => ({ t, key: centre(t), i }));
      keyed.sort((a, b) => a.key - b.key || a.i - b.i);
      layer.splice(0, layer.length, ...keyed.map((k) => k.t));
    }
    layer.forEach((t, i) => position.set(t.id, i));
  });
  const nodes: DagNode[] = [];
  const place = new Map<string, DagNode>();
  layers.forEach((layer, r) =>
    layer.forEach((t, i) => {
      const node = { id: t.id, action: t.action, x: MARGIN + r * (NODE_WIDTH + RANK_SEP), y: MARGIN + i * (NODE_HEIGHT + NODE_SEP) };
      nodes.push(node);
      place.set(t.id, node);
    }),
  );
  const edges: DagLayout['edges'] = [];
  for (const task of tasks) {
    const to = place.get(task.id);
    for (const dep of task.depends_on) {
      const from = place.get(dep);
      if (!from || !to) continue;
      const x1 = from.x + NODE_WIDTH;
      const y1 = from.y + NODE_HEIGHT / 2;
      const x2 = to.x;
      const y2 = to.y + NODE_HEIGHT / 2;
      const bend = (x2 - x1) / 2;
      edges.push({ from: dep, to: task.id, path: `M${x1},${y1}C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}` });
    }
  }
  const tallest = Math.max(0, ...layers.map((l) => l.length));
  return {
    width: MARGIN * 2 + layers.length * (NODE_WIDTH + RANK_SEP) - RANK_SEP,
    height: MARGIN * 2 + tallest * (NODE_HEIGHT + NODE_SEP) - NODE_SEP,
    nodes,
    edges,
  };
}
