/**
 * /docs: one self-contained HTML page (no CDN, no build step) that fetches
 * /openapi.json and renders operations grouped by tag, with their scope,
 * parameters, bodies and responses, and every schema as formatted JSON.
 */
import { createHash } from 'node:crypto';

/** The HTML of the API docs page. */
export function renderDocsPage(): string {
  return PAGE;
}

/**
 * What a browser may do with the page: run its one inline script (by hash, so an injected
 * one would not run), fetch from this origin, never be framed by another site (clickjacking)
 * nor sniffed as another type.
 */
export function docsPageHeaders(): Record<string, string> {
  return HEADERS;
}

const SCRIPT = String.raw`(async function () {
  const esc = (s) => String(s ?? '').replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
  const refName = (schema) => schema && schema.$ref ? schema.$ref.split('/').pop() : null;
  const schemaLink = (schema) => { const n = refName(schema); return n ? '<a href="#schema-' + esc(n) + '">' + esc(n) + '</a>' : '<code>' + esc(JSON.stringify(schema)) + '</code>'; };
  const doc = await (await fetch('/openapi.json')).json();
  document.getElementById('title').textContent = doc.info.title + ' ' + doc.info.version;
  document.getElementById('description').textContent = doc.info.description;
  const byTag = new Map();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const tag = (op.tags && op.tags[0]) || 'other';
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push({ path, method, op });
    }
  }
  let html = '';
  for (const [tag, ops] of byTag) {
    html += '<h2>' + esc(tag) + '</h2>';
    for (const { path, method, op } of ops) {
      html += '<details class="op"><summary><span class="method ' + method + '">' + method.toUpperCase() + '</span>' +
        '<span class="path">' + esc(path) + '</span><span>' + esc(op.summary) + '</span>' +
        '<span class="scope">scope: ' + esc(op['x-harmonia-scope']) + '</span></summary><div class="body">';
      if (op.parameters && op.parameters.length) {
        html += '<h4>Parameters</h4><table><tr><th>name</th><th>in</th><th>type</th><th>description</th></tr>';
        for (const p of op.parameters) html += '<tr><td><code>' + esc(p.name) + '</code></td><td>' + esc(p.in) + '</td><td>' + esc(p.schema && p.schema.type) + '</td><td>' + esc(p.description) + '</td></tr>';
        html += '</table>';
      }
      if (op.requestBody) {
        html += '<h4>Request body</h4><table>';
        for (const [type, c] of Object.entries(op.requestBody.content)) html += '<tr><td><code>' + esc(type) + '</code></td><td>' + schemaLink(c.schema) + '</td></tr>';
        html += '</table>';
      }
      html += '<h4>Responses</h4><table>';
      for (const [status, r] of Object.entries(op.responses)) {
        const content = r.content ? Object.entries(r.content).map(([t, c]) => '<code>' + esc(t) + '</code> ' + (c.schema ? schemaLink(c.schema) : '')).join('<br>') : '';
        html += '<tr><td><b>' + esc(status) + '</b></td><td>' + esc(r.description) + '</td><td>' + content + '</td></tr>';
      }
      html += '</table></div></details>';
    }
  }
  document.getElementById('ops').innerHTML = html;
  let schemas = '';
  for (const [name, schema] of Object.entries(doc.components.schemas)) {
    schemas += '<details id="schema-' + esc(name) + '"><summary><code>' + esc(name) + '</code></summary><pre>' + esc(JSON.stringify(schema, null, 2)) + '</pre></details>';
  }
  document.getElementById('schemas').innerHTML = schemas;
  if (location.hash) { const el = document.querySelector(location.hash); if (el) { el.open = true; el.scrollIntoView(); } }
  document.addEventListener('click', (e) => { const a = e.target.closest('a[href^="#schema-"]'); if (a) { const el = document.querySelector(a.getAttribute('href')); if (el) el.open = true; } });
})().catch((e) => { document.getElementById('description').textContent = 'cannot load /openapi.json: ' + e.message; });
`;

const HEADERS: Record<string, string> = {
  'Content-Security-Policy': `default-src 'none'; script-src 'sha256-${createHash('sha256').update(SCRIPT).digest('base64')}'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Harmonia API</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 980px; padding: 1rem 1.5rem; color: #1d232a; }
  h1 { margin-bottom: .2rem; } h2 { border-bottom: 1px solid #d8dee4; padding-bottom: .3rem; margin-top: 2rem; }
  .op { border: 1px solid #d8dee4; border-radius: 6px; margin: .6rem 0; }
  .op > summary { cursor: pointer; padding: .45rem .7rem; list-style: none; display: flex; gap: .7rem; align-items: baseline; }
  .method { font: 600 12px monospace; padding: .1rem .45rem; border-radius: 4px; color: #fff; min-width: 3.6rem; text-align: center; }
  .get { background: #1f6feb; } .post { background: #1a7f37; } .put { background: #9a6700; } .delete { background: #cf222e; }
  .path { font-family: monospace; font-weight: 600; } .scope { margin-left: auto; font-size: 12px; color: #57606a; }
  .body { padding: .2rem 1rem .8rem; border-top: 1px solid #d8dee4; }
  table { border-collapse: collapse; width: 100%; } td, th { text-align: left; padding: .2rem .5rem; border-bottom: 1px solid #eaeef2; vertical-align: top; }
  code, pre { font-family: ui-monospace, monospace; font-size: 13px; } pre { background: #f6f8fa; padding: .6rem; overflow: auto; border-radius: 6px; }
  a { color: #0969da; }
</style>
</head>
<body>
<h1 id="title">Harmonia API</h1>
<p id="description">Loading <a href="/openapi.json">/openapi.json</a>…</p>
<div id="ops"></div>
<h2>Schemas</h2>
<div id="schemas"></div>
<script>${SCRIPT}</script>
</body>
</html>
`;
