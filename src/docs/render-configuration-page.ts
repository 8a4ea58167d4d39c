/**
 * docs/configuration.md: every setting with its flag, variable, default and meaning,
 * rendered from the one defaults table (src/core/settings.ts).
 */
import { SETTINGS, type SettingSpec } from '../core/settings.js';
import { generatedNote, markdownTable } from './markdown-table.js';

const UNITS: ReadonlyArray<[number, string]> = [
  [3_600_000, 'h'],
  [60_000, 'm'],
  [1000, 's'],
];

function duration(ms: number): string {
  if (ms === 0) return '0';
  for (const [size, unit] of UNITS) if (ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

function size(bytes: number): string {
  if (bytes % 1_048_576 === 0) return `${bytes / 1_048_576}MiB`;
  if (bytes % 1024 === 0) return `${bytes / 1024}KiB`;
  return String(bytes);
}

/** The default as one would write it in the variable. */
function defaultText(spec: SettingSpec): string {
  if (spec.default_text !== undefined) return spec.default_text;
  const value = spec.default;
  if (value === null) return 'unset';
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.join(',');
  if (typeof value === 'number' && spec.kind === 'duration') return `\`${duration(value)}\``;
  if (typeof value === 'number' && spec.kind === 'millis') return `\`${duration(value)}\` (${value} ms)`;
  if (typeof value === 'number' && spec.kind === 'size') return `\`${size(value)}\``;
  return `\`${String(value)}\``;
}

const FORMS: Record<SettingSpec['kind'], string> = {
  string: 'text',
  'optional-string': 'text',
  integer: 'integer',
  duration: 'duration (bare number: seconds)',
  millis: 'duration (bare number: ms)',
  size: 'size (bare number: bytes)',
  boolean: 'true/false',
  list: 'comma-separated list',
  choice: 'one of',
  id: 'integer id',
};

function form(spec: SettingSpec): string {
  const bounds =
    spec.min !== undefined && spec.max !== undefined
      ? ` ${spec.min}–${spec.max}`
      : spec.min !== undefined && (spec.kind === 'integer' || spec.min > 1)
        ? ` ≥ ${spec.min}`
        : '';
  const choices = spec.choices ? ` ${spec.choices.map((c) => `\`${c}\``).join(', ')}` : '';
  return `${FORMS[spec.kind]}${choices}${bounds}`;
}

/** The text of docs/configuration.md. */
export function renderConfigurationPage(): string {
  const entries = Object.entries(SETTINGS) as Array<[string, SettingSpec]>;
  const rows = entries.map(([key, spec]) => [
    `\`${key}\``,
    `\`${spec.env}\`${spec.file_variant ? ` (or \`${spec.env}_FILE\`)` : ''}`,
    spec.flag ? `\`${spec.flag.name}\` (${spec.flag.commands})` : '',
    defaultText(spec),
    form(spec),
    `${spec.meaning}${spec.secret ? ' Secret: masked by `harmonia config`, never logged.' : ''}`,
  ]);
  return [
    generatedNote('src/core/settings.ts'),
    '',
    '# Configuration',
    '',
    'Every setting has an environment variable; some have a command-line flag too. A value',
    'comes from, in order of precedence: the flag, the `HARMONIA_*` environment variable, a',
    '`.env.harmonia` file in the working directory, the default below. `harmonia config` prints',
    'each value with where it came from (`--json` for a machine), secrets masked.',
    '',
    'The engine, the server and the CLI all take their defaults from this one table',
    '(`SETTINGS` in src/core/settings.ts) and are handed the resolved values, so a default is',
    'the same wherever it applies.',
    '',
    '- An invalid value stops the command with exit code 2 and a message naming the variable',
    "  and the value: `HARMONIA_PORT must be an integer from 0 to 65535, got 'abc'`.",
    '- An empty variable counts as unset. Paths may start with `~/`.',
    '- Durations take a unit: `500ms`, `30s`, `5m`, `1h`; sizes `512KiB`, `1MiB`.',
    '- A secret setting may be read from a file instead: `HARMONIA_DB_URL_FILE=/run/secrets/db_url`',
    '  (one trailing newline dropped; not together with the variable itself).',
    '- A `HARMONIA_*` variable that is no setting is not fatal: every command warns once on',
    '  stderr (`unknown setting HARMONIA_PROT is ignored; did you mean HARMONIA_PORT?`) and goes on.',
    '',
    '## `.env.harmonia`',
    '',
    '`KEY=VALUE` lines with the variables below; `export KEY=VALUE`, `#` comments, blank lines,',
    "and values in single quotes (literal) or double quotes (`\\n`, `\\\"`, `\\\\` unescaped) are",
    'accepted; nothing is expanded. A line of another form, or a name that is no setting, stops',
    'the command with exit code 2 and a message naming every such line and what to write instead.',
    'The unprefixed names of the source documents (`MAX_WORKFLOW_DEPTH=10`, `ENABLE_AUTO_RETRY=true`)',
    'are refused that way: `MAX_WORKFLOW_DEPTH` is `HARMONIA_MAX_WORKFLOW_DEPTH`, `MAX_TASK_DURATION`',
    'is `HARMONIA_DEFAULT_TIMEOUT`, and the `ENABLE_*` switches have no equivalent (retries are per',
    'task; checkpoints are on when `HARMONIA_CHECKPOINT_INTERVAL` is above 0; tasks run in parallel',
    'up to `HARMONIA_MAX_CONCURRENT_TASKS`).',
    '',
    '## Settings',
    '',
    markdownTable(['setting', 'variable', 'flag', 'default', 'form', 'meaning'], rows),
    '',
  ].join('\n');
}
