import { HarmoniaError } from './core/errors.js';

/**
 * Parses dotenv-style text: `KEY=VALUE` lines, `export KEY=VALUE`, `#` comments,
 * blank lines, and values in single quotes (taken literally) or double quotes
 * (`\n`, `\"` and `\\` unescaped). Nothing is expanded.
 * Thrown when a line is not of that form: HarmoniaError CONFIG_INVALID with the line number.
 */
export function parseEnvFile(text: string, fileName: string): Map<string, string> {
  const values = new Map<string, string>();
  const lines = text.split(/\r?\n/);
  lines.forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(trimmed);
    if (!m) {
      throw new HarmoniaError('CONFIG_INVALID', `${fileName}:${index + 1}: expected KEY=VALUE, got '${trimmed}'`, {
        details: { file: fileName, line: index + 1 },
      });
    }
    values.set(m[1] ?? '', unquote(m[2] ?? '', fileName, index + 1));
  });
  return values;
}

function unquote(value: string, fileName: string, line: number): string {
  const quote = value.charAt(0);
  if (quote !== '"' && quote !== "'") return value.replace(/\s+#.*$/, '').trim();
  const end = value.lastIndexOf(quote);
  if (end === 0) {
    throw new HarmoniaError('CONFIG_INVALID', `${fileName}:${line}: unclosed ${quote} in value`, {
      details: { file: fileName, line },
    });
  }
  const inner = value.slice(1, end);
  if (quote === "'") return inner;
  return inner.replace(/\\([n"\\])/g, (_, ch: string) => (ch === 'n' ? '\n' : ch));
}
