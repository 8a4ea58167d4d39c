import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { watchPacks, type PackWatcher } from '../../../src/packs/watch-packs.js';

// Another process saves the file, as an editor does, 30 ms apart.
function saveInBurst(file: string, saves: number, gapMs: number): Promise<void> {
  const script = `const fs=require('fs');let i=0;const t=setInterval(()=>{fs.writeFileSync(${JSON.stringify(file)},'version: 1.0.0\\n# save '+i+'\\n');i+=1;if(i===${saves})clearInterval(t);},${gapMs});`;
  const child = spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`writer exited with ${code}`))));
  });
}

// What a sync does to this process: keeps the event loop busy, so file events wait.
function busyFor(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // spin
  }
}

describe('watchPacks() under a busy event loop', () => {
  let dir: string;
  let watcher: PackWatcher | null = null;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'harmonia-burst-'));
    for (const [file, text] of Object.entries({ 'ops/pack.yaml': 'ref: ops\nversion: 1.0.0\n', 'ops/workflows/deploy.yaml': 'version: 1.0.0\n' })) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file), text);
    }
  });
  afterEach(async () => {
    await watcher?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('turns a burst of 20 saves 30 ms apart into one call with the last save, though timers fire late', async () => {
    const seen: string[] = [];
    let last!: () => void;
    const lastSeen = new Promise<void>((resolve) => (last = resolve));
    const file = join(dir, 'ops/workflows/deploy.yaml');
    watcher = watchPacks({
      packsDir: dir,
      debounceMs: 250,
      onChange: () => {
        const text = readFileSync(file, 'utf8');
        seen.push(text);
        if (text.includes('# save 19')) last();
      },
    });
    await watcher.ready;
    const blocker = setInterval(() => busyFor(400), 450);
    try {
      await saveInBurst(file, 20, 30);
    } finally {
      clearInterval(blocker);
    }
    await lastSeen;
    expect(seen).toEqual(['version: 1.0.0\n# save 19\n']);
  });
});
