/**
 * What the pipeline (load → parse → validate) hands to the registrar, the CLI, the
 * REST endpoints and the watcher. One verdict for a file at every gate.
 */
import type { Diagnostic } from '../core/diagnostic.js';
import type { DefinitionBody, DefinitionKind, PackManifest } from '../core/model.js';

export type PackFileKind = DefinitionKind | 'pack' | 'script';

/** One file of a pack after parsing and validation. */
export interface PackFileResult {
  kind: PackFileKind;
  /** `<pack>.<name>` for workflows, templates and actions; null for pack.yaml and scripts. */
  ref: string | null;
  /** Path inside the pack, forward slashes: `workflows/deploy.yaml`. */
  file: string;
  /** The path diagnostics use (as the user named it, relative to the cwd when relative). */
  path: string;
  /** The file's text ('' for refused files: oversize, binary, symlink out of the pack). */
  text: string;
  /** The normalised body; null when the file could not be parsed into one. */
  body: DefinitionBody | PackManifest | null;
  /** Every diagnostic about this file (errors and warnings, after harmonia-ignore). */
  diagnostics: Diagnostic[];
}

export interface ValidatedPack {
  /** The pack's directory name (what its ref must be). */
  ref: string;
  /** Absolute path of the pack directory. */
  dir: string;
  manifest: PackManifest | null;
  files: PackFileResult[];
}

/** Refs that exist outside the tree being validated (already registered, built in). */
export interface KnownRefs {
  packs: ReadonlySet<string>;
  actions: ReadonlySet<string>;
  workflows: ReadonlySet<string>;
  templates: ReadonlySet<string>;
  /** Remote components: name → capabilities. */
  components: ReadonlyMap<string, readonly string[]>;
  /** Registered workflow ref → the workflows it starts by a literal ref (WORKFLOW_RECURSION follows them). @default none */
  workflow_calls?: ReadonlyMap<string, readonly string[]>;
}

export interface PipelineOptions {
  /** Files larger than this are refused unread. @default 1048576 */
  max_file_size?: number;
  /** Workflows and templates with more tasks are refused (WORKFLOW_TOO_MANY_TASKS). @default 1000 */
  max_task_count?: number;
  /** Workflow and template files larger than this (bytes) are refused (WORKFLOW_TOO_LARGE). @default 1048576 */
  max_workflow_size?: number;
  /** Refs registered elsewhere, so cross-pack references to them resolve. */
  known?: Partial<KnownRefs>;
  /** Texts to validate instead of the files on disk, by absolute path (an editor's unsaved buffers). */
  overlay?: ReadonlyMap<string, string>;
  /** The folder relative paths are read from (a CLI run in process has its own). @default process.cwd() */
  cwd?: string;
}

export interface PipelineResult {
  packs: ValidatedPack[];
  /** Every diagnostic of every file, sorted by file, line, column. */
  diagnostics: Diagnostic[];
  /** How many files were read. */
  file_count: number;
}
