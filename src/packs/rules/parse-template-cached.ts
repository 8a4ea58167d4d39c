/**
 * Workflows repeat the same `${...}` strings (`${input.environment}` in every file), and
 * several rules read the same condition: each distinct string is parsed once per process.
 */
import type { Expr } from '../../expr/ast.js';
import { parseTemplate, type ParsedTemplate } from '../../expr/parse-template.js';
import { collectRefs, type ExprRef } from './expr-refs.js';

type Cached = { ok: true; parsed: ParsedTemplate } | { ok: false; error: unknown };

// Bounded so a long-lived process (the watcher, the server) does not grow without end.
const MAX_ENTRIES = 10_000;
const templates = new Map<string, Cached>();
// A Map, not a WeakMap: a workflow of 25k tasks made 50k trees, and a WeakMap's entries
// cost the garbage collector more than the trees. Cleared with `templates`, whose trees
// are nearly all of its keys.
const refs = new Map<Expr, readonly ExprRef[]>();

/**
 * parseTemplate() with default limits, remembered by text. Throws what parseTemplate
 * throws. The result is shared: callers must not change it.
 */
export function parseTemplateCached(text: string): ParsedTemplate {
  let hit = templates.get(text);
  if (hit === undefined) {
    try {
      hit = { ok: true, parsed: parseTemplate(text) };
    } catch (error) {
      hit = { ok: false, error };
    }
    if (templates.size >= MAX_ENTRIES) {
      templates.clear();
      refs.clear();
    }
    templates.set(text, hit);
  }
  if (!hit.ok) throw hit.error;
  return hit.parsed;
}

/** collectRefs() of a tree from parseTemplateCached(), computed once per tree. */
export function refsOfCached(ast: Expr): readonly ExprRef[] {
  let hit = refs.get(ast);
  if (hit === undefined) {
    hit = collectRefs(ast);
    if (refs.size >= 4 * MAX_ENTRIES) refs.clear();
    refs.set(ast, hit);
  }
  return hit;
}
