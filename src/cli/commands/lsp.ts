import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';

const HELP = `
Speaks the Language Server Protocol on stdin/stdout, for editors: every save or
edit of a pack file re-validates its pack (with unsaved text) and publishes the
same diagnostics as \`harmonia validate\`, with the same codes and positions.
See docs/editor.md for VS Code, Neovim, Helix and other editors.

Examples:
  $ harmonia lsp --stdio`;

/** Registers `harmonia lsp`. */
export function registerLspCommand(program: Command, ctx: CliContext): void {
  program
    .command('lsp')
    .description('run the language server (diagnostics in your editor)')
    .option('--stdio', 'talk over stdin/stdout (the default; accepted for editors that pass it)')
    .addHelpText('after', HELP)
    .action(async () => {
      const config = ctx.config();
      const { startLspServer } = await import('../lsp/lsp-server.js');
      await startLspServer({ max_file_size: config.max_file_size, max_task_count: config.max_task_count, max_workflow_size: config.max_workflow_size });
    });
}
