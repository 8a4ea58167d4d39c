import { describe, expect, it } from 'vitest';
import { HarmoniaError } from '../../../src/core/errors.js';
import { resolveConfig, unknownSettingWarnings } from '../../../src/config.js';

function configError(fn: () => unknown): HarmoniaError {
  try {
    fn();
  } catch (error) {
    if (error instanceof HarmoniaError) return error;
    throw error;
  }
  throw new Error('expected a HarmoniaError');
}

// The form the source documents give for `.env.harmonia`: unprefixed names.
const SEED_FILE = [
  '# Execution policies',
  'ENABLE_AUTO_RETRY=true',
  'ENABLE_CHECKPOINTS=true',
  'ENABLE_PARALLEL_EXECUTION=true',
  '',
  '# Resource limits',
  'MAX_WORKFLOW_DEPTH=10',
  'MAX_TASK_DURATION=7200',
  '',
].join('\n');

describe('.env.harmonia in the source documents\' form', () => {
  it('is refused with one message naming every line and what to write instead', () => {
    const error = configError(() => resolveConfig({}, {}, SEED_FILE));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toBe(
      [
        '.env.harmonia holds 5 names that are no setting; Harmonia reads only HARMONIA_* settings from it:',
        "  ENABLE_AUTO_RETRY: there is no switch: a task retries per its retry policy; 'HARMONIA_RETRY_MAX_ATTEMPTS' is the default attempt count",
        "  ENABLE_CHECKPOINTS: use 'HARMONIA_CHECKPOINT_INTERVAL' (seconds; 0 turns automatic checkpoints off)",
        "  ENABLE_PARALLEL_EXECUTION: use 'HARMONIA_MAX_CONCURRENT_TASKS' (1 runs one task at a time)",
        "  MAX_WORKFLOW_DEPTH: did you mean 'HARMONIA_MAX_WORKFLOW_DEPTH'? (every setting starts with HARMONIA_)",
        "  MAX_TASK_DURATION: use 'HARMONIA_DEFAULT_TIMEOUT' (seconds, or with a unit) or a task's timeout_ms",
      ].join('\n'),
    );
    expect(error.details).toEqual({
      variables: ['ENABLE_AUTO_RETRY', 'ENABLE_CHECKPOINTS', 'ENABLE_PARALLEL_EXECUTION', 'MAX_WORKFLOW_DEPTH', 'MAX_TASK_DURATION'],
    });
  });

  it('is read once written with the HARMONIA_ names the message gives', () => {
    const config = resolveConfig({}, {}, 'HARMONIA_MAX_WORKFLOW_DEPTH=10\nHARMONIA_DEFAULT_TIMEOUT=7200\nHARMONIA_CHECKPOINT_INTERVAL=300\n');
    expect([config.max_workflow_depth, config.default_timeout_ms, config.checkpoint_interval_seconds]).toEqual([10, 7_200_000, 300]);
    expect([config.sources.max_workflow_depth, config.sources.default_timeout_ms]).toEqual(['file', 'file']);
  });

  it("reads the documents' environment example, warning about the names it does not know", () => {
    const env = { HARMONIA_PORT: '8002', HARMONIA_HOST: '0.0.0.0', HARMONIA_LOG_LEVEL: 'INFO', HARMONIA_STATE_DIR: '~/.harmonia/state', HARMONIA_AI_PORT: '45002' };
    const config = resolveConfig({}, env);
    expect([config.port, config.host, config.log_level]).toEqual([8002, '0.0.0.0', 'info']);
    expect(unknownSettingWarnings(env)).toEqual([
      'unknown setting HARMONIA_AI_PORT is ignored; there is no such setting: everything is served on HARMONIA_PORT',
      'unknown setting HARMONIA_STATE_DIR is ignored; use HARMONIA_DATA_DIR',
    ]);
  });
});
