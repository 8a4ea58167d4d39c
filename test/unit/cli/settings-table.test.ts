import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { CONFIG_KEYS, maskConfig, resolveConfig } from '../../../src/config.js';
import { SETTINGS } from '../../../src/core/settings.js';
import { resolveEngineConfig } from '../../../src/engine/config.js';
import { createCliContext } from '../../../src/cli/cli-context.js';
import { createProgram } from '../../../src/cli/main.js';
import { resolveServerOptions } from '../../../src/server/server-options.js';

const flagsOf = (command: Command): string[] => [...command.options.map((o) => o.long ?? ''), ...command.commands.flatMap(flagsOf)];

describe('the defaults table', () => {
  it('is what resolveConfig, the engine and the server fall back to', () => {
    const config = resolveConfig({}, {});
    for (const { key } of CONFIG_KEYS) {
      const value = SETTINGS[key].default;
      if (value !== null && SETTINGS[key].default_text === undefined) expect(config[key], key).toEqual(value);
    }
    const engine = resolveEngineConfig();
    expect([engine.max_concurrent_tasks, engine.default_timeout_ms, engine.max_execution_time_ms, engine.limits.max_items, engine.limits.max_log_bytes_per_attempt]).toEqual([
      config.max_concurrent_tasks,
      config.default_timeout_ms,
      config.max_execution_time_ms,
      config.max_items,
      config.max_log_size,
    ]);
    const server = resolveServerOptions({ console_dir: null });
    expect([server.max_task_count, server.max_workflow_size]).toEqual([config.max_task_count, config.max_workflow_size]);
  });

  it('names only flags the CLI has', () => {
    const flags = new Set(flagsOf(createProgram(createCliContext({ env: {}, cwd: '/' }))));
    const listed = Object.values(SETTINGS).flatMap((spec) => (spec.flag ? [spec.flag.name] : []));
    expect(listed.filter((flag) => !flags.has(flag))).toEqual([]);
  });

  it('has every secret setting masked by harmonia config', () => {
    const env = Object.fromEntries(Object.values(SETTINGS).filter((s) => s.secret).map((s) => [s.env, 'sekrit-value']));
    expect(JSON.stringify(maskConfig(resolveConfig({}, env)))).not.toContain('sekrit-value');
  });
});
