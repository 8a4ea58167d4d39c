import { HarmoniaError } from '../core/errors.js';
import { isPlainObject } from '../actions/task-result.js';

/** What a component sends to register: its name, where it listens, what it can do. */
export interface ComponentRegistration {
  /** Keep a stable id across restarts; generated when absent. */
  id?: string;
  name: string;
  /** Tasks are POSTed to `{base_url}/api/tasks/{task_id}`. */
  base_url: string;
  /** Capability names, or `{name, description, parameters}` objects as in the integration guide. */
  capabilities?: Array<string | { name: string; [key: string]: unknown }>;
  metadata?: Record<string, unknown>;
}

/** A registration after checking: capability names split from their descriptions. */
export interface CheckedRegistration {
  id?: string;
  name: string;
  base_url: string;
  capabilities: string[];
  /** Descriptions given as objects, kept in metadata.capability_details. */
  capability_details: Record<string, unknown>[];
  metadata: Record<string, unknown>;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

function invalid(field: string, message: string): HarmoniaError {
  return new HarmoniaError('REQUEST_INVALID', message, { details: { field } });
}

/**
 * Checks a registration body.
 * Thrown when a field is missing or malformed: REQUEST_INVALID with details {field}.
 */
export function readRegistration(body: unknown): CheckedRegistration {
  if (!isPlainObject(body)) throw invalid('', `a component registration must be an object with 'name' and 'base_url'`);
  const { id, name, base_url, capabilities = [], metadata = {} } = body;
  if (id !== undefined && (typeof id !== 'string' || !NAME.test(id))) {
    throw invalid('id', `component id ${JSON.stringify(id)} is not valid; use letters, digits, '_', '.' and '-'`);
  }
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw invalid('name', `component name ${JSON.stringify(name)} is not valid; use letters, digits, '_', '.' and '-' (at most 100)`);
  }
  if (typeof base_url !== 'string' || !URL.canParse(base_url) || !/^https?:$/.test(new URL(base_url).protocol)) {
    throw invalid('base_url', `base_url ${JSON.stringify(base_url)} must be an absolute http(s) URL such as 'http://127.0.0.1:8080'`);
  }
  const parsed = new URL(base_url);
  if (parsed.username !== '' || parsed.password !== '') {
    // fetch refuses such URLs, and a registration is shown to every reader: never store one
    throw invalid('base_url', `base_url must not embed credentials ('user:password@'); a component authenticates its callers itself`);
  }
  if (!Array.isArray(capabilities)) throw invalid('capabilities', `'capabilities' must be a list of names`);
  const names: string[] = [];
  const details: Record<string, unknown>[] = [];
  for (const item of capabilities as unknown[]) {
    const capName = typeof item === 'string' ? item : isPlainObject(item) ? item.name : undefined;
    if (typeof capName !== 'string' || capName === '') {
      throw invalid('capabilities', `every capability must be a name or an object with 'name'; got ${JSON.stringify(item)}`);
    }
    if (names.includes(capName)) throw invalid('capabilities', `capability '${capName}' is listed twice`);
    names.push(capName);
    if (isPlainObject(item)) details.push(item);
  }
  if (!isPlainObject(metadata)) throw invalid('metadata', `'metadata' must be an object`);
  return {
    ...(id === undefined ? {} : { id }),
    name,
    base_url: base_url.replace(/\/+$/, ''),
    capabilities: names,
    capability_details: details,
    metadata,
  };
}
