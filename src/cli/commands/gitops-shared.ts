import { InvalidArgumentError, type Command } from 'commander';
import type { DefinitionKind } from '../../core/model.js';

const KINDS: readonly DefinitionKind[] = ['workflow', 'template', 'action'];

/**
 * The `workflow` command group, shared with `workflow list` and `workflow show`:
 * reuses the group when it is registered already, so subcommands from several
 * files land under one `harmonia workflow`.
 */
export function workflowGroup(program: Command): Command {
  return (
    program.commands.find((command) => command.name() === 'workflow') ??
    program.command('workflow').description('list and inspect registered workflows')
  );
}

/** Commander parser for `--kind`. */
export function parseKind(value: string): DefinitionKind {
  if (!(KINDS as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`expected one of ${KINDS.join(', ')}, got '${value}'`);
  }
  return value as DefinitionKind;
}

/** First line of a commit message, cut to `width` characters. */
export function firstLine(text: string | null, width = 60): string {
  const line = (text ?? '').split('\n')[0] ?? '';
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
}
