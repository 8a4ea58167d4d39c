/** The rules run on each kind of file, in order. */
import type { PackFileKind } from '../pack-model.js';
import { checkActions } from './check-actions.js';
import { checkCondition } from './check-condition.js';
import { checkDag } from './check-dag.js';
import { checkDefaults } from './check-defaults.js';
import { checkEntryPoint } from './check-entry-point.js';
import { checkErrorTypes } from './check-error-types.js';
import { checkExpressions } from './check-expressions.js';
import { checkExtends } from './check-extends.js';
import { checkHandlers } from './check-handlers.js';
import { checkPack } from './check-pack.js';
import { checkParameterNames } from './check-parameter-names.js';
import { checkRetry } from './check-retry.js';
import { checkWorkflowRecursion } from './check-recursion.js';
import { checkShellCommand } from './check-shell-command.js';
import { checkChildWorkflowInput, checkTaskInput } from './check-task-input.js';
import { checkAfterCycles, checkAfterSources, checkTriggers } from './check-triggers.js';
import { checkWaits } from './check-waits.js';
import type { Rule } from './rule-context.js';

const WORKFLOW_RULES: readonly Rule[] = [checkParameterNames, checkDefaults, checkDag, checkHandlers, checkErrorTypes, checkRetry, checkActions, checkTaskInput, checkWaits, checkShellCommand, checkCondition, checkExpressions];

/** Rules that read other workflows' content: run once every file has been read. */
export const LATE_RULES: Partial<Record<PackFileKind, readonly Rule[]>> = {
  workflow: [checkChildWorkflowInput, checkAfterCycles, checkAfterSources, checkWorkflowRecursion],
  template: [checkChildWorkflowInput],
};

/** Rules by file kind. */
export const RULES: Partial<Record<PackFileKind, readonly Rule[]>> = {
  pack: [checkPack],
  workflow: [...WORKFLOW_RULES, checkTriggers],
  template: [checkExtends, ...WORKFLOW_RULES],
  action: [checkParameterNames, checkDefaults, checkEntryPoint],
};
