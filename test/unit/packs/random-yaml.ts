// Seeded random YAML documents for the tests that hold two implementations to one verdict.
/** A small deterministic generator of numbers in [0, 1). */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Plain scalars: every core-schema form, then odd ones (indicators, near misses). */
export const PLAIN = [
  '~', 'null', 'Null', 'NULL', 'nULL', 'true', 'True', 'TRUE', 'tRue', 'false', 'False', 'FALSE', 'yes', 'no', 'on', 'off',
  '0', '-0', '+0', '12', '+12', '-12', '007', '0o17', '0o18', '0x1F', '0X1F', '0xg', '12345678901234567890', '1_000', '0b101',
  '1.5', '-1.5', '.5', '-.5', '1.', '1.0', '1.50', '1e3', '1E-3', '+1.5e+10', '1e', '.e3', '.inf', '-.Inf', '+.INF', '.nan',
  '.NaN', '.NAN', 'NaN', 'inf', '12:30', '2024-01-01', 'core.noop', '${tasks.t0.output}', '$${x}', 'a b', '  a  ', 'a  b',
  'http://x.test/a?b=c#d', 'a:b', 'a::b', 'a#b', 'a -b', 'a - b', '-a', '--a', '---', '...', '?a', ':a', 'a,b', 'a[b]', 'a{b}',
  'a]', '{a}', '[a]', '@a', '`a', '%a', '!a', '&a', '*a', '|a', '>a', 'a #c', 'x: y', 'a:', 'a :b', '- a', '-', '?', ':',
  'é ü 中', '😀', 'a"b', "a'b", 'a\\b', 'a\\nb', '<<', '__proto__', 'constructor', 'toString',
];
// What a tame document draws from: every core-schema type and ordinary strings.
const TAME_PLAIN = PLAIN.slice(0, PLAIN.indexOf('a:b'));
const TAME_KEYS = ['a', 'b', 'c', 'd', 'e', 'name', 'tasks', 'input', 'output', 'x y', '1', '2.5', 'null', 'true', 'é', '-x', 'k:v', 'depends_on'];
const KEYS = ['a', 'b', 'c', 'name', 'tasks', 'input', '1', '01', '1.0', 'null', '~', 'true', '<<', '__proto__', 'a b', 'a:b', 'é', '-x', '.inf'];
const QUOTED_CHARS = ['a', 'b', ' ', ' ', "'", '"', '\\', '#', ':', ',', '[', '{', 'é', '😀', '\n', '$', '\t'];
const TAME_QUOTED_CHARS = QUOTED_CHARS.filter((c) => c !== '\n' && c !== '\t');
const TAME_ESCAPES = ['\\n', '\\t', '\\\\', '\\"', '\\/', '\\0', '\\e', '\\N', '\\_', '\\L', '\\ ', '\\x41', '\\u00e9', '\\U0001F600', '\\ud83d'];
const DOUBLE_ESCAPES = ['\\n', '\\t', '\\\\', '\\"', '\\/', '\\0', '\\e', '\\N', '\\_', '\\L', '\\ ', '\\x41', '\\u00e9', '\\U0001F600', '\\ud83d', '\\q', '\\x4', '\\U00110000', '\\'];
const MUTATIONS = [' ', ' ', '\n', ':', '-', '#', '"', "'", '[', ']', '{', '}', ',', '\t', '\r', '&', '*', '!', '|', '>', '?', '%', 'x', '\\', '\ufeff', '\x07'];

type Tree = { kind: 'map'; entries: Array<[Tree, Tree]> } | { kind: 'seq'; items: Tree[] } | { kind: 'scalar'; text: string };

/**
 * A generator of YAML documents: block and flow collections at varied indents, every
 * scalar style, comments, blank lines; half of them also anchors, aliases, tags, block
 * scalars, directives, several documents, CRLF and random edits that break them.
 */
export function createYamlGenerator(random: () => number): () => string {
  let anchors = 0;
  // A tame document keeps to what the subset reads (its only way out is a repeated key);
  // a wild one uses every feature and odd forms, and may be broken on purpose.
  let wild = false;
  const chance = (p: number) => random() < p;
  const odd = (p: number) => wild && random() < p;
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;

  function quotedText(): string {
    let s = '';
    const n = Math.floor(random() * 8);
    for (let i = 0; i < n; i++) s += pick(wild ? QUOTED_CHARS : TAME_QUOTED_CHARS);
    return s;
  }

  function scalarText(key: boolean): string {
    const r = random();
    if (r < 0.55) return key ? pick(wild ? KEYS : TAME_KEYS) : pick(wild ? PLAIN : TAME_PLAIN);
    if (r < 0.75) return `'${quotedText().replace(/'/g, odd(0.1) ? "'" : "''")}'`;
    if (r < 0.95 || !wild) {
      let s = '';
      const n = Math.floor(random() * 6);
      for (let i = 0; i < n; i++) s += chance(0.3) ? pick(wild ? DOUBLE_ESCAPES : TAME_ESCAPES) : pick(wild ? QUOTED_CHARS : TAME_QUOTED_CHARS).replace(/["\\]/, odd(0.1) ? '$&' : '\\$&');
      return `"${s}"`;
    }
    const props = [chance(0.5) ? `&x${(anchors += 1)}` : '', chance(0.5) ? pick(['!!str', '!!int', '!!float', '!!null', '!custom', '!<tag:x>', '!!binary']) : ''].filter(Boolean);
    if (chance(0.4) && anchors > 0) return `*x${1 + Math.floor(random() * anchors)}`;
    return `${props.join(' ')} ${pick(PLAIN)}`;
  }

  function tree(depth: number): Tree {
    const r = random();
    if (depth > 3 || r < 0.35) return { kind: 'scalar', text: scalarText(false) };
    if (r < 0.75) {
      const entries: Array<[Tree, Tree]> = [];
      const n = 1 + Math.floor(random() * 4);
      const keys = new Set<string>();
      for (let i = 0; i < n; i++) {
        const key = scalarText(true);
        if (!wild && keys.has(key)) continue;
        keys.add(key);
        entries.push([{ kind: 'scalar', text: key }, tree(depth + 1)]);
      }
      return { kind: 'map', entries };
    }
    const items: Tree[] = [];
    const n = 1 + Math.floor(random() * 4);
    for (let i = 0; i < n; i++) items.push(tree(depth + 1));
    return { kind: 'seq', items };
  }

  function comment(): string {
    return chance(0.1) ? pick(wild ? [' # note', '  #: x', ' #', '# tight'] : [' # note', '  #: x', ' #']) : '';
  }

  function flow(node: Tree, indent: number): string {
    const gap = () => (chance(0.15) ? `\n${' '.repeat(Math.max(0, indent + Math.floor(random() * 4) - (wild ? 1 : -1)))}` : chance(0.5) ? ' ' : '');
    if (node.kind === 'scalar') return node.text.includes('\n') ? JSON.stringify(node.text) : node.text;
    const trailing = odd(0.05) ? ',' : '';
    if (node.kind === 'seq') return `[${gap()}${node.items.map((i) => flow(i, indent)).join(`,${gap()}`)}${trailing}${gap()}]`;
    const pairs = node.entries.map(([k, v]) => `${flow(k, indent)}${odd(0.1) ? ':' : ': '}${flow(v, indent)}`);
    return `{${gap()}${pairs.join(`,${gap()}`)}${trailing}${gap()}}`;
  }

  // A block scalar's header and text lines; tame ones keep to one indent and start with text.
  function blockScalar(indent: number): string {
    const header = pick(wild ? ['|', '>', '|-', '>+', '|2', '>-', '|+', '>2-'] : ['|', '>', '|-', '>-']);
    const text = ['line', 'more text', '# not a comment', 'key: value', '- item', "'quoted'", '  deeper'];
    const lines = Array.from({ length: 1 + Math.floor(random() * 4) }, (_, i) => {
      const line = i === 0 && !wild ? pick(text.slice(0, -1)) : chance(0.25) ? '' : pick(wild || header.startsWith('|') ? text : text.slice(0, -1));
      const extra = wild && chance(0.2) ? 1 : 0;
      return line === '' && !wild ? '' : `${' '.repeat(indent + 2 + extra)}${line}`;
    });
    return `${header}${comment()}\n${lines.join('\n')}`;
  }

  // Lines of `node` as a block node at `indent`; `inline` is the text before its first line.
  function block(node: Tree, indent: number): string[] {
    const pad = ' '.repeat(indent);
    const step = () => pick([1, 2, 2, 2, 3, 4]);
    const scalarBlock = () => chance(0.06);
    if (node.kind === 'scalar') return [`${pad}${node.text}${comment()}`];
    if (chance(0.15)) return [`${pad}${flow(node, indent)}${comment()}`];
    const lines: string[] = [];
    if (node.kind === 'seq') {
      for (const item of node.items) {
        if (item.kind === 'scalar') lines.push(scalarBlock() ? `${pad}- ${blockScalar(indent)}` : `${pad}- ${item.text}${comment()}`);
        else if (item.kind === 'map' && chance(0.6)) {
          const inner = block(item, indent + 2);
          lines.push(`${pad}- ${(inner[0] ?? '').trimStart()}`, ...inner.slice(1));
        } else lines.push(`${pad}-${comment()}`, ...block(item, indent + step()));
        if (chance(0.05)) lines.push(chance(0.5) ? '' : `${' '.repeat(Math.floor(random() * 6))}# comment line`);
      }
      return lines;
    }
    for (const [key, value] of node.entries) {
      const k = key.kind === 'scalar' ? key.text : flow(key, indent);
      const colon = chance(0.03) ? ' :' : ':';
      if (value.kind === 'scalar') {
        if (scalarBlock()) lines.push(`${pad}${k}${colon} ${blockScalar(indent)}`);
        else if (chance(0.05)) lines.push(`${pad}${k}${colon}`, `${pad}${' '.repeat(step())}${value.text}`);
        else lines.push(`${pad}${k}${colon} ${value.text}${comment()}`);
      } else if (chance(0.2)) {
        lines.push(`${pad}${k}${colon} ${flow(value, indent)}${comment()}`);
      } else {
        lines.push(`${pad}${k}${colon}${comment()}`);
        lines.push(...block(value, value.kind === 'seq' && chance(0.4) ? indent : indent + step()));
      }
      if (chance(0.05)) lines.push(chance(0.5) ? '' : `${' '.repeat(Math.floor(random() * 6))}# comment line`);
    }
    return lines;
  }

  function mutate(text: string): string {
    let out = text;
    const n = 1 + Math.floor(random() * 3);
    for (let i = 0; i < n; i++) {
      const at = Math.floor(random() * (out.length + 1));
      const r = random();
      if (r < 0.5) out = out.slice(0, at) + pick(MUTATIONS) + out.slice(at);
      else if (r < 0.8) out = out.slice(0, at) + out.slice(at + 1);
      else {
        const lines = out.split('\n');
        const line = Math.floor(random() * lines.length);
        lines.splice(line, 0, lines[line] ?? '');
        out = lines.join('\n');
      }
    }
    return out;
  }

  return function document(): string {
    anchors = 0;
    wild = chance(0.5);
    const root: Tree = chance(0.8) ? { kind: 'map', entries: [[{ kind: 'scalar', text: pick(wild ? KEYS : ['version', 'name']) }, tree(1)], [{ kind: 'scalar', text: 'tasks' }, tree(1)]] } : tree(0);
    let text = `${block(root, chance(0.05) ? 2 : 0).join('\n')}${chance(0.9) ? '\n' : ''}`;
    const r = wild ? random() : 1;
    if (r < 0.04) text = `---\n${text}`;
    else if (r < 0.06) text = `%YAML 1.2\n---\n${text}`;
    else if (r < 0.08) text = `${text}---\nb: 1\n`;
    else if (r < 0.1) text = `${text}...\n`;
    else if (r < 0.12) text = `# leading comment\n\n${text}`;
    if (odd(0.04)) text = text.replace(/\n/g, '\r\n');
    return odd(0.6) ? mutate(text) : text;
  };
}
