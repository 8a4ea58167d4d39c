import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assertBuilt, BIN, makeTree, PACK_YAML, removeTree, runCli } from './cli-harness.js';

interface Message {
  id?: number;
  method?: string;
  params?: { uri: string; diagnostics: Array<{ code: string; severity: number; message: string; range: { start: { line: number; character: number } } }> };
  result?: unknown;
}

/** A language client over the server's stdio: Content-Length framed JSON-RPC. */
function connect(child: ChildProcessWithoutNullStreams) {
  let buffer = Buffer.alloc(0);
  const waiting: Array<{ match: (m: Message) => boolean; resolve: (m: Message) => void }> = [];
  const seen: Message[] = [];
  child.stdout.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const end = buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, end).toString())?.[1]);
      if (buffer.length < end + 4 + length) return;
      const message = JSON.parse(buffer.subarray(end + 4, end + 4 + length).toString()) as Message;
      buffer = buffer.subarray(end + 4 + length);
      seen.push(message);
      for (const w of [...waiting]) if (w.match(message)) (waiting.splice(waiting.indexOf(w), 1), w.resolve(message));
    }
  });
  return {
    send(message: object) {
      const text = JSON.stringify({ jsonrpc: '2.0', ...message });
      child.stdin.write(`Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
    },
    next(match: (m: Message) => boolean): Promise<Message> {
      const index = seen.findIndex(match);
      if (index >= 0) return Promise.resolve(seen.splice(index, 1)[0] as Message);
      return new Promise((resolve) => waiting.push({ match, resolve }));
    },
  };
}

let dir: string;
let child: ChildProcessWithoutNullStreams | null = null;

beforeAll(() => {
  assertBuilt();
});

beforeEach(() => {
  dir = makeTree({
    'packs/demo/pack.yaml': PACK_YAML,
    'packs/demo/workflows/flow.yaml': 'version: 1.0.0\ntasks:\n  build: { action: core.noop }\n  test:\n    action: core.noop\n    depends_on: [biuld]\n',
  });
});

afterEach(() => {
  child?.kill();
  child = null;
  removeTree(dir);
});

describe('harmonia lsp', () => {
  it('publishes the diagnostics of harmonia validate, same codes and positions, and clears them once the buffer is fixed', async () => {
    const cli = await runCli(['validate', 'packs', '--format', 'json'], { cwd: dir });
    const expected = (JSON.parse(cli.stdout) as { diagnostics: Array<{ code: string; line: number; column: number }> }).diagnostics;
    expect(expected.map((d) => d.code)).toEqual(['DAG_UNKNOWN_DEPENDENCY']);

    child = spawn(process.execPath, [BIN, 'lsp', '--stdio'], { cwd: dir });
    const client = connect(child);
    const file = join(dir, 'packs/demo/workflows/flow.yaml');
    const uri = pathToFileURL(file).href;
    client.send({ id: 1, method: 'initialize', params: { processId: null, rootUri: pathToFileURL(dir).href, capabilities: {} } });
    await client.next((m) => m.id === 1);
    client.send({ method: 'initialized', params: {} });
    const text = 'version: 1.0.0\ntasks:\n  build: { action: core.noop }\n  test:\n    action: core.noop\n    depends_on: [biuld]\n';
    client.send({ method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: 'yaml', version: 1, text } } });

    const published = await client.next((m) => m.method === 'textDocument/publishDiagnostics' && m.params?.uri === uri);
    expect(published.params?.diagnostics.map((d) => ({ code: d.code, line: d.range.start.line + 1, column: d.range.start.character + 1 }))).toEqual(
      expected.map((d) => ({ code: d.code, line: d.line, column: d.column })),
    );
    expect(published.params?.diagnostics[0]?.message).toContain("did you mean 'build'?");

    // The unsaved buffer is what counts, not the file on disk.
    client.send({
      method: 'textDocument/didChange',
      params: { textDocument: { uri, version: 2 }, contentChanges: [{ text: text.replace('biuld', 'build') }] },
    });
    const cleared = await client.next((m) => m.method === 'textDocument/publishDiagnostics' && m.params?.uri === uri && m.params.diagnostics.length === 0);
    expect(cleared.params?.diagnostics).toEqual([]);
  });
});
