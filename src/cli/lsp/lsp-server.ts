/**
 * `harmonia lsp`: a language server over stdio, and the only module that imports
 * vscode-languageserver. It runs the same pipeline as `harmonia validate` on the pack of
 * each open file — with the editor's unsaved text in place of the files on disk — and
 * publishes the diagnostics with the same codes, messages and positions.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { existsSync } from 'node:fs';
import path from 'node:path';
import lsp from 'vscode-languageserver/node.js';
import type { Connection, Diagnostic as LspDiagnostic, TextDocumentChangeEvent } from 'vscode-languageserver/node.js';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic } from '../../core/diagnostic.js';
import { runPipeline } from '../../packs/run-pipeline.js';

export interface LspServerOptions {
  /** Files larger than this are refused unread, as by `harmonia validate`. */
  max_file_size: number;
  max_task_count: number;
  max_workflow_size: number;
  /** Quiet time after a keystroke before validating. @default 200 */
  debounce_ms?: number;
  /** The streams to speak on. @default process.stdin / process.stdout */
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
}

/** The pack folder holding `file` (one with a pack.yaml, up to two levels up), or null. */
export function packDirOf(file: string): string | null {
  let dir = path.dirname(file);
  for (let depth = 0; depth < 3; depth += 1) {
    if (existsSync(path.join(dir, 'pack.yaml'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
  return null;
}

/** A pipeline diagnostic as the protocol has it: 0-based positions, the code, the hint in the message. */
export function toLspDiagnostic(d: Diagnostic): LspDiagnostic {
  const line = Math.max(0, d.line - 1);
  const character = Math.max(0, d.column - 1);
  const endLine = d.end_line > 0 ? d.end_line - 1 : line;
  const endCharacter = d.end_column > 0 ? d.end_column - 1 : character;
  return {
    range: { start: { line, character }, end: { line: endLine, character: Math.max(endCharacter, endLine === line ? character : 0) } },
    severity: d.severity === 'error' ? lsp.DiagnosticSeverity.Error : lsp.DiagnosticSeverity.Warning,
    code: d.code,
    source: 'harmonia',
    message: d.hint ? `${d.message}\n${d.hint}` : d.message,
    ...(d.related && d.related.length > 0
      ? {
          relatedInformation: d.related.map((r) => ({
            location: {
              uri: pathToFileURL(path.resolve(r.file)).href,
              range: { start: { line: Math.max(0, r.line - 1), character: Math.max(0, r.column - 1) }, end: { line: Math.max(0, r.line - 1), character: Math.max(0, r.column - 1) } },
            },
            message: r.message,
          })),
        }
      : {}),
  };
}

function filePathOf(uri: string): string | null {
  return uri.startsWith('file:') ? fileURLToPath(uri) : null;
}

/** Starts the server; resolves when the client shuts it down. */
export function startLspServer(options: LspServerOptions): Promise<void> {
  const connection: Connection =
    options.input && options.output
      ? lsp.createConnection(lsp.ProposedFeatures.all, new lsp.StreamMessageReader(options.input), new lsp.StreamMessageWriter(options.output))
      : lsp.createConnection(lsp.ProposedFeatures.all);
  const documents = new lsp.TextDocuments(TextDocument);
  const debounceMs = options.debounce_ms ?? 200;
  const timers = new Map<string, NodeJS.Timeout>();
  // URIs that carry diagnostics per pack, so a fixed file is cleared.
  const published = new Map<string, Set<string>>();
  const running = new Map<string, Promise<void>>();

  async function validate(packDir: string): Promise<void> {
    const overlay = new Map<string, string>();
    for (const doc of documents.all()) {
      const file = filePathOf(doc.uri);
      if (file !== null && file.startsWith(packDir + path.sep)) overlay.set(file, doc.getText());
    }
    const result = await runPipeline([packDir], { max_file_size: options.max_file_size, max_task_count: options.max_task_count, max_workflow_size: options.max_workflow_size, overlay });
    const byUri = new Map<string, LspDiagnostic[]>();
    for (const d of result.diagnostics) {
      const uri = pathToFileURL(path.resolve(d.file)).href;
      const list = byUri.get(uri) ?? [];
      list.push(toLspDiagnostic(d));
      byUri.set(uri, list);
    }
    const before = published.get(packDir) ?? new Set<string>();
    for (const uri of before) if (!byUri.has(uri)) await connection.sendDiagnostics({ uri, diagnostics: [] });
    for (const [uri, diagnostics] of byUri) await connection.sendDiagnostics({ uri, diagnostics });
    published.set(packDir, new Set(byUri.keys()));
  }

  // One validation per pack at a time; a change during one runs another after it.
  function schedule(event: TextDocumentChangeEvent<TextDocument>, delay: number): void {
    const file = filePathOf(event.document.uri);
    const packDir = file === null ? null : packDirOf(file);
    if (packDir === null) return;
    const pending = timers.get(packDir);
    if (pending) clearTimeout(pending);
    timers.set(
      packDir,
      setTimeout(() => {
        timers.delete(packDir);
        const previous = running.get(packDir) ?? Promise.resolve();
        const next = previous
          .then(() => validate(packDir))
          .catch((error: unknown) => connection.console.error(`harmonia: validation failed: ${error instanceof Error ? error.message : String(error)}`));
        running.set(packDir, next);
      }, delay),
    );
  }

  connection.onInitialize(() => ({
    capabilities: { textDocumentSync: { openClose: true, change: lsp.TextDocumentSyncKind.Incremental, save: { includeText: false } } },
    serverInfo: { name: 'harmonia' },
  }));
  // Opening a document also reports its content as changed: validate that at once, typing after a pause.
  const opened = new Set<string>();
  documents.onDidOpen((event) => opened.add(event.document.uri));
  documents.onDidChangeContent((event) => schedule(event, opened.delete(event.document.uri) ? 0 : debounceMs));
  documents.onDidSave((event) => schedule(event, 0));
  documents.onDidClose((event) => schedule(event, 0));
  documents.listen(connection);
  const exited = new Promise<void>((resolve) => connection.onExit(() => resolve()));
  connection.listen();
  return exited;
}
