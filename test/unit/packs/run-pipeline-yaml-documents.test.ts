import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runPipeline } from '../../../src/packs/run-pipeline.js';
import { parseYamlSubset } from '../../../src/packs/parse-yaml-subset.js';
import { removeTree, writeTree } from './pack-tree.js';

// Every yaml Document the pipeline builds goes through this one export.
const documents = vi.hoisted(() => ({ count: 0 }));
vi.mock('yaml', async (importOriginal) => {
  const yaml = await importOriginal<typeof import('yaml')>();
  return {
    ...yaml,
    parseDocument: (...args: Parameters<typeof yaml.parseDocument>) => {
      documents.count += 1;
      return yaml.parseDocument(...args);
    },
  };
});

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function yamlFilesUnder(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yamlFilesUnder(full, out);
    else if (/\.ya?ml$/.test(entry.name)) out.push(full);
  }
  return out;
}

afterEach(() => {
  documents.count = 0;
});

// Positions are looked up only for what is reported: a clean file in the subset
// parseYamlSubset() reads never costs a yaml Document.
describe('runPipeline() and yaml Documents', () => {
  it('builds no yaml Document for clean files that use every check that can point into a file', async () => {
    const root = await writeTree({
      'demo/pack.yaml': 'ref: demo\nversion: 1.0.0\n',
      'demo/actions/build.yaml': 'runner: shell\nentry_point: build.sh\nparameters:\n  service: { type: string, required: true }\n  ref: { type: string, default: main }\n',
      'demo/actions/build.sh': '#!/bin/sh\necho built\n',
      'demo/workflows/child.yaml': 'version: 1.0.0\ninput:\n  env: { type: string, required: true }\ntasks:\n  hello: { action: core.echo, input: { message: "${input.env}" } }\n',
      'demo/workflows/flow.yaml': [
        'version: 1.0.0',
        'input:',
        '  env: { type: string, default: staging, enum: [staging, production] }',
        'tasks:',
        '  build:',
        '    action: demo.build',
        '    input: { service: api }',
        '  call:',
        '    action: shell',
        '    action: core.shell',
        '    depends_on: [build]',
        '    input: { argv: [echo, "${tasks.build.output}"] }',
        '  child:',
        '    action: core.workflow',
        '    depends_on: [call]',
        '    input: { workflow: demo.child, input: { env: "${input.env}" } }',
        '    retry: { max_attempts: 3, initial_delay_ms: 100 }',
        '  get:',
        '    action: core.http',
        '    depends_on: [child]',
        '    condition: "${tasks.child.status == \'completed\'}"',
        '    input: { url: "https://example.test/${input.env}", method: GET }',
        'output:',
        '  result: "${tasks.get.output}"',
        'triggers:',
        '  nightly:',
        '    schedule: { every: 1h, input: { env: staging, day: "${trigger.scheduled_time}" } }',
        '  push:',
        '    webhook: { secret_env: HOOK_SECRET, input: { env: "${trigger.body.env}" } }',
        '',
      ].join('\n').replace('    action: shell\n', ''),
    });
    try {
      const result = await runPipeline([path.join(root, 'packs')]);
      expect(result.diagnostics).toEqual([]);
      expect(documents.count).toBe(0);
    } finally {
      await removeTree(root);
    }
  });

  it('builds a yaml Document only for the files outside the subset or with something to report', async () => {
    const result = await runPipeline([path.join(repo, 'packs')]);
    const declined = yamlFilesUnder(path.join(repo, 'packs')).filter((f) => parseYamlSubset(readFileSync(f, 'utf8')) === undefined).length;
    const reported = new Set(result.diagnostics.map((d) => d.file)).size;
    expect(documents.count).toBeLessThanOrEqual(declined + reported);
  });
});
