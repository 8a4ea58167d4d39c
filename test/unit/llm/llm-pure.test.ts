import { describe, expect, it } from 'vitest';
import { configSecretValues, llmConfigOf, maskConfig, resolveConfig } from '../../../src/config.js';
import { nameFrom } from '../../../src/llm/draft-workflow.js';
import { yamlOfReply } from '../../../src/llm/draft-prompt.js';
import { parseJsonReply } from '../../../src/llm/json-reply.js';
import { parseRetryAfter } from '../../../src/llm/retry-after.js';

describe('parseRetryAfter()', () => {
  it('reads delta-seconds and HTTP dates, and nothing else', () => {
    const now = Date.parse('2026-12-04T10:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter('1.5', now)).toBe(1500);
    expect(parseRetryAfter('Fri, 04 Dec 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Fri, 04 Dec 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});

describe('parseJsonReply()', () => {
  it('reads bare JSON, a fenced block and JSON wrapped in prose', () => {
    expect(parseJsonReply('{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(parseJsonReply('Sure:\n```json\n[1, 2]\n```')).toEqual({ ok: true, value: [1, 2] });
    expect(parseJsonReply('The answer is {"a": {"b": 2}} as asked.')).toEqual({ ok: true, value: { a: { b: 2 } } });
  });

  it('reads the first fence whose opening line ends in a newline, with or without a json tag', () => {
    expect(parseJsonReply('```JSON  \t\n {"a": 1}\n```')).toEqual({ ok: true, value: { a: 1 } });
    expect(parseJsonReply('use ```this``` and\n```\n[true]```')).toEqual({ ok: true, value: [true] });
    expect(parseJsonReply('```json\n\n\n"x"\n\n```')).toEqual({ ok: true, value: 'x' });
  });

  it('answers a reply of a fence that never closes, over many lines, in one pass', () => {
    // A backtracking pattern spent time quadratic in the newlines here (minutes for a megabyte).
    const read = parseJsonReply(`\`\`\`json${' \n'.repeat(1_000_000)}x`);
    expect(read.ok).toBe(false);
    expect(parseJsonReply(`\`\`\`${'\n'.repeat(1_000_000)}`).ok).toBe(false);
  });

  it('says why a reply is not JSON', () => {
    const read = parseJsonReply('no json here');
    expect(read.ok).toBe(false);
    expect(read.ok ? '' : read.message).toMatch(/^the reply is not JSON \(/);
  });
});

describe('drafting helpers', () => {
  it('makes a valid workflow file name from free text', () => {
    expect(nameFrom('Nightly Export')).toBe('nightly_export');
    expect(nameFrom('2 fetches, then a Report!')).toBe('fetches_then_a_report');
    expect(nameFrom('!!!')).toBe('drafted_workflow');
    expect(nameFrom('a '.repeat(40)).length).toBeLessThanOrEqual(40);
  });

  it('takes the YAML out of a fenced reply, or the whole reply', () => {
    expect(yamlOfReply('text\n```yaml\nversion: 1\n```\nmore')).toBe('version: 1\n');
    expect(yamlOfReply('version: 1')).toBe('version: 1\n');
  });
});

describe('the HARMONIA_LLM_* settings', () => {
  it('default to off, with a 120 s request deadline and 2 re-sends', () => {
    const config = resolveConfig({}, {});
    expect(config).toMatchObject({ llm_base_url: null, llm_model: null, llm_api_key: null, llm_api_key_file: null, llm_timeout_ms: 120_000, llm_max_retries: 2 });
    expect(llmConfigOf(config, () => '')).toBeNull();
  });

  it('resolve the endpoint without a trailing slash and read the key file once', () => {
    const reads: string[] = [];
    const config = resolveConfig({}, { HARMONIA_LLM_BASE_URL: 'http://127.0.0.1:11434/v1/', HARMONIA_LLM_MODEL: 'llama3.2', HARMONIA_LLM_API_KEY_FILE: '/run/key' });
    const llm = llmConfigOf(config, (path) => {
      reads.push(path);
      return 'sk-file\n';
    });
    expect(llm).toEqual({ base_url: 'http://127.0.0.1:11434/v1', model: 'llama3.2', api_key: 'sk-file', timeout_ms: 120_000, max_retries: 2 });
    expect(reads).toEqual(['/run/key']);
  });

  it('refuse a base URL that is not http(s), naming the variable', () => {
    expect(() => resolveConfig({}, { HARMONIA_LLM_BASE_URL: 'localhost:11434' })).toThrow(
      "HARMONIA_LLM_BASE_URL must be an http(s) URL that /chat/completions is appended to, such as 'http://127.0.0.1:11434/v1', got 'localhost:11434'",
    );
  });

  it('hide a key the base URL carries as a query parameter, in the printable config, the masker and a refusal', () => {
    const base = 'https://generativelanguage.googleapis.com/v1beta/openai?key=AIza-s3cr3t';
    const config = resolveConfig({}, { HARMONIA_LLM_BASE_URL: base });
    expect(maskConfig(config).llm_base_url).toBe('https://generativelanguage.googleapis.com/v1beta/openai?key=**REDACTED**');
    expect(configSecretValues(config)).toContain('AIza-s3cr3t');
    let message = '';
    try {
      resolveConfig({}, { HARMONIA_LLM_BASE_URL: 'generativelanguage.googleapis.com/v1beta/openai?key=AIza-s3cr3t' });
    } catch (error) {
      message = JSON.stringify({ message: (error as Error).message, details: (error as { details?: unknown }).details });
    }
    expect(message).toContain('HARMONIA_LLM_BASE_URL');
    expect(message).not.toContain('AIza-s3cr3t');
  });

  it('hide the key in the printable config', () => {
    expect(maskConfig(resolveConfig({}, { HARMONIA_LLM_API_KEY: 'sk-x' })).llm_api_key).toBe('********');
  });
});

describe('base64Cores()', () => {
  it('finds a value base64-encoded inside any larger blob, at every alignment, in both alphabets', async () => {
    const { base64Cores } = await import('../../../src/core/secret-base64.js');
    const key = 'sk-live-?>?>0123456789';
    const cores = base64Cores(key);
    for (const prefix of ['', 'a', 'ab', 'abc', 'user:', 'Authorization: Bearer ']) {
      for (const suffix of ['', 'z', 'zz', ' and more']) {
        const blob = Buffer.from(`${prefix}${key}${suffix}`);
        for (const encoded of [blob.toString('base64'), blob.toString('base64url')]) {
          expect(cores.some((core) => encoded.includes(core))).toBe(true);
        }
      }
    }
    // Too short a run to hide: it would mask ordinary base64 and tell little.
    expect(base64Cores('abc')).toEqual([]);
  });
});
