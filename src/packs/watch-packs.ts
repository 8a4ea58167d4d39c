/**
 * Dev mode's file watcher, and the only module that imports chokidar. It turns file
 * events under a packs folder into one call per pack per burst of saves: editor temp
 * files are ignored, events are debounced per pack, and a pack is never handed to
 * `onChange` again while its previous call is still running (changes made meanwhile
 * are delivered right after, together).
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { SETTINGS } from '../core/settings.js';
import { isEditorTempFile } from './editor-temp-files.js';

export interface WatchPacksOptions {
  /** The folder holding one folder per pack. */
  packsDir: string;
  /**
   * Called once a pack has been quiet for `debounceMs`, with the files (relative to
   * the pack, forward slashes) that were added, changed or removed. The pack's own
   * folder, when it was added or removed, is listed as `.`.
   */
  onChange: (packRef: string, files: string[]) => void | Promise<void>;
  /** Quiet time after a pack's last change (by the files' mtimes) before `onChange`. @default 20 (setting dev_debounce_ms) */
  debounceMs?: number;
  /** A watcher error, or an error thrown by `onChange`. @default ignored */
  onError?: (error: unknown) => void;
}

export interface PackWatcher {
  /** Resolves once the initial directory scan is done and events are being watched. */
  readonly ready: Promise<void>;
  /** Stops watching, drops pending changes and waits for running `onChange` calls. */
  close(): Promise<void>;
}

export { isEditorTempFile } from './editor-temp-files.js';

interface PackQueue {
  files: Set<string>;
  timer: NodeJS.Timeout | null;
  running: Promise<void> | null;
}

/**
 * Watches a packs folder and reports changes per pack.
 *
 * @example
 * const watcher = watchPacks({ packsDir: 'packs', onChange: (pack, files) => sync(pack) });
 * await watcher.ready;
 */
export function watchPacks(options: WatchPacksOptions): PackWatcher {
  const root = path.resolve(options.packsDir);
  const debounceMs = options.debounceMs ?? SETTINGS.dev_debounce_ms.default;
  const queues = new Map<string, PackQueue>();
  let closed = false;

  const relative = (file: string) => path.relative(root, path.resolve(root, file)).split(path.sep).join('/');
  const ignored = (file: string): boolean => {
    const rel = relative(file);
    if (rel === '' || rel.startsWith('..')) return false;
    // Hidden folders and files (.git, .idea, .file.yaml.swp) are never pack content.
    return rel.split('/').some((segment) => segment.startsWith('.') || isEditorTempFile(segment));
  };

  const watcher: FSWatcher = watch(root, { ignoreInitial: true, ignored, persistent: true });

  // How long until every queued file has been quiet for debounceMs, by the files' own
  // mtimes. Timers alone measure quiet from when an event was *handled*: while a sync keeps
  // the event loop busy, a timer fires before the saves that came meanwhile are seen, and
  // a burst of saves became one sync (and one version) per save or two.
  async function waitLeft(packRef: string, files: ReadonlySet<string>): Promise<number> {
    let newest = 0;
    await Promise.all(
      [...files].map(async (file) => {
        try {
          newest = Math.max(newest, (await stat(path.join(root, packRef, file))).mtimeMs);
        } catch {
          // removed: its event is what counts
        }
      }),
    );
    return newest + debounceMs - Date.now();
  }

  function deliver(packRef: string, queue: PackQueue): void {
    queue.timer = null;
    if (closed || queue.files.size === 0) return;
    if (queue.running) return; // picked up when the running call ends
    queue.running = waitLeft(packRef, queue.files).then(
      (left) => {
        queue.running = null;
        if (closed || queue.timer) return; // a newer event rescheduled it
        if (left > 0) {
          queue.timer = setTimeout(() => deliver(packRef, queue), Math.ceil(left));
          return;
        }
        run(packRef, queue);
      },
      (error: unknown) => {
        queue.running = null;
        options.onError?.(error);
      },
    );
  }

  function run(packRef: string, queue: PackQueue): void {
    if (queue.files.size === 0) return;
    const files = [...queue.files].sort();
    queue.files.clear();
    queue.running = (async () => {
      try {
        await options.onChange(packRef, files);
      } catch (error) {
        options.onError?.(error);
      }
    })().finally(() => {
      queue.running = null;
      if (queue.files.size > 0 && !queue.timer) deliver(packRef, queue);
    });
  }

  function record(event: string, file: string, modifiedMs?: number): void {
    if (closed) return;
    const rel = relative(file);
    const [packRef, ...rest] = rel.split('/');
    if (!packRef || rel.startsWith('..')) return;
    // Files directly in the packs folder (a README) belong to no pack.
    if (rest.length === 0 && event !== 'addDir' && event !== 'unlinkDir') return;
    // A new sub-folder matters only through the files added to it, which come as their own events.
    if (rest.length > 0 && event === 'addDir') return;
    let queue = queues.get(packRef);
    if (!queue) {
      queue = { files: new Set(), timer: null, running: null };
      queues.set(packRef, queue);
    }
    queue.files.add(rest.length === 0 ? '.' : rest.join('/'));
    if (queue.timer) clearTimeout(queue.timer);
    const target = queue;
    // Quiet counts from the save, not from when its event got here (deliver() checks again).
    const wait = modifiedMs === undefined ? debounceMs : Math.min(debounceMs, Math.max(0, modifiedMs + debounceMs - Date.now()));
    queue.timer = setTimeout(() => deliver(packRef, target), wait);
  }

  watcher.on('all', (event, file, stats) => record(event, file, stats?.mtimeMs));
  // chokidar reports a file's 'change' at most once per 50 ms and drops the rest, so a save
  // made within 50 ms of the previous one, after that one was synced, was never synced (a
  // formatter saving again, or a short debounce). Its raw events are not thrown away: those
  // of a file's own watch (the event names the watched file) count as a change of it.
  watcher.on('raw', (_event, name, details) => {
    const watched = (details as { watchedPath?: unknown } | undefined)?.watchedPath;
    if (typeof watched === 'string' && path.basename(watched) === name && !ignored(watched)) record('change', watched);
  });
  watcher.on('error', (error) => options.onError?.(error));
  const ready = new Promise<void>((resolve) => {
    watcher.once('ready', () => resolve());
  });

  return {
    ready,
    async close() {
      closed = true;
      for (const queue of queues.values()) {
        if (queue.timer) clearTimeout(queue.timer);
        queue.timer = null;
        queue.files.clear();
      }
      await watcher.close();
      await Promise.all([...queues.values()].map((queue) => queue.running ?? Promise.resolve()));
    },
  };
}
