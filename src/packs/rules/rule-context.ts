/**
 * What every rule sees: the file being checked, its pack, and an index of every pack in
 * the run (plus refs registered elsewhere). Rules report through `report`, which places
 * the diagnostic at a JSON pointer of the file.
 */
import type { Diagnostic, RelatedLocation } from '../../core/diagnostic.js';
import type { ActionDef, ErrorHandlerDef, PackManifest, ParameterSpec, TaskDef, TemplateDef, WorkflowDef } from '../../core/model.js';
import type { LocatePart, SourceMap, SourceSpan } from '../../core/source.js';
import type { LoadedFile } from '../load-packs.js';
import type { KnownRefs } from '../pack-model.js';
import type { DiagnosticInput } from './make-diagnostic.js';

/** One task with where it was written. */
export interface TaskView {
  def: TaskDef;
  /** Pointer of the task in its file: `/tasks/build`, `/tasks/2`, `/workflow/tasks/x`. */
  pointer: string;
  /** Pointer of its condition (`.../condition` or `.../metadata/condition`), when it has one. */
  conditionPointer: string | null;
  /** False for tasks inherited from a parent template (checked in the parent's file). */
  own: boolean;
  file: ParsedPackFile;
}

/** A workflow body as the rules see it (templates: merged with the extends chain). */
export interface WorkflowView {
  /** `''` for workflows, `/workflow` for templates. */
  base: string;
  tasks: TaskView[];
  byId: ReadonlyMap<string, TaskView>;
  /** List-form tasks whose id repeats an earlier one. */
  duplicates: Array<{ first: TaskView; second: TaskView }>;
  inputs: Record<string, ParameterSpec>;
  contextKeys: ReadonlySet<string>;
  output: Record<string, unknown>;
  errorHandlers: Array<{ def: ErrorHandlerDef; pointer: string }>;
  /** Declared template parameters (own and inherited); null in a workflow. */
  params: ReadonlyMap<string, ParameterSpec> | null;
}

/** A pack file after parsing, schema validation and normalisation. */
export interface ParsedPackFile {
  loaded: LoadedFile;
  pack: PackEntry;
  /** `<pack>.<name>` for workflows, templates and actions. */
  ref: string | null;
  /** The plain parsed value; undefined when the file could not be parsed. */
  raw: unknown;
  source: SourceMap | null;
  /** Normalised body. */
  body: PackManifest | TemplateDef | ActionDef | WorkflowDef | null;
  /** For workflows and templates. */
  view: WorkflowView | null;
  /** Whether the entry point of an action exists (set by the validator before the rules). */
  entryPointExists?: boolean;
  diagnostics: Diagnostic[];
}

/** A pack of the run. */
export interface PackEntry {
  ref: string;
  dir: string;
  manifest: PackManifest | null;
  files: ParsedPackFile[];
}

/** Every ref in the run plus those registered elsewhere. */
export interface PackIndex {
  packs: ReadonlyMap<string, PackEntry>;
  actions: ReadonlyMap<string, ParsedPackFile>;
  workflows: ReadonlyMap<string, ParsedPackFile>;
  templates: ReadonlyMap<string, ParsedPackFile>;
  known: KnownRefs;
}

/** Handed to each rule. */
export interface RuleContext {
  file: ParsedPackFile;
  index: PackIndex;
  /** Reports a problem at `input.pointer` of the file being checked. */
  report(input: DiagnosticInput, part?: LocatePart): void;
  /** Reports a problem at an exact span of the file being checked. */
  reportAt(input: DiagnosticInput, span: SourceSpan): void;
  /** A related location in any file of the run. */
  related(file: ParsedPackFile, pointer: string, message: string, part?: LocatePart): RelatedLocation;
}

/** A check over one file. */
export type Rule = (ctx: RuleContext) => void;
