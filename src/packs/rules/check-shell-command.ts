/**
 * SHELL_COMMAND_INTERPOLATION (warning): a `core.shell` task with `shell: true` whose
 * `command` splices in a `${...}` value. The value becomes part of the script, so a `;`
 * or `$(...)` in it runs as shell syntax; through `env` or `argv` it stays data.
 */
import { joinPointer } from '../../core/source.js';
import type { Rule } from './rule-context.js';

// `shell` may itself be an expression; only a literal false (or leaving it out) is safe.
function mayUseShell(value: unknown): boolean {
  return value === true || (typeof value === 'string' && value.includes('${'));
}

/** Warns where an expression is spliced into a shell script. */
export const checkShellCommand: Rule = (ctx) => {
  const view = ctx.file.view;
  if (!view) return;
  for (const task of view.tasks) {
    if (!task.own || task.def.action !== 'core.shell' || task.def.component !== undefined) continue;
    const { command, shell } = task.def.input as { command?: unknown; shell?: unknown };
    if (typeof command !== 'string' || !command.includes('${') || !mayUseShell(shell)) continue;
    ctx.report({
      code: 'SHELL_COMMAND_INTERPOLATION',
      severity: 'warning',
      pointer: joinPointer(task.pointer, 'input', 'command'),
      message: `task '${task.def.id}' splices a \${...} value into a shell command; a value holding ';', '|' or '$(...)' would run as shell syntax`,
      hint: 'pass the value through env (env: { NAME: "${...}" }) and write "$NAME" in the command, or run the program with argv: [...] and no shell',
    });
  }
};
