/**
 * What the server is built from: the store, the engine, the pack sync service (and
 * optionally the component service), plus the server's own options. The composition
 * root (serveHarmonia, or a test) creates them and passes them in.
 */
import type { Logger } from 'pino';
import type { Engine } from '../engine/index.js';
import type { ChatClient } from '../llm/chat-client.js';
import type { GitSourceSet } from '../gitops/git-source-set.js';
import type { GitSyncController } from '../gitops/git-sync-controller.js';
import type { PackEvents } from '../gitops/pack-events.js';
import type { ComponentService } from '../components/component-service.js';
import type { PackSyncService } from '../packs/sync-packs.js';
import type { Store } from '../store/store.js';
import type { ConfiguredToken } from './auth.js';
import type { LogOutput } from './log-output.js';

export interface ServerOptions {
  /** Reported by /api/status and the OpenAPI document. @default '0.0.0' */
  version?: string;
  /** Tokens in clear (HARMONIA_API_TOKENS): parsed, as entries (`token`, `token:read+write`), or the raw variable. */
  tokens?: readonly (ConfiguredToken | string)[] | string;
  /** `<data_dir>/tokens.json`; tokens the CLI created (hashes). */
  token_file?: string;
  /** Browser origins allowed on WebSocket and SSE handshakes besides the server's own. @default [] */
  allowed_origins?: readonly string[];
  /** Largest request body of any kind, in bytes. @default 1048576 */
  max_body_bytes?: number;
  /** Largest workflow or template body (HARMONIA_MAX_WORKFLOW_SIZE), in bytes. @default 1048576 */
  max_workflow_size?: number;
  /** Most tasks a workflow may have (HARMONIA_MAX_TASK_COUNT). @default 1000 */
  max_task_count?: number;
  /** Bytes a stream's socket may hold unsent before writing to it pauses until it drains. @default 1048576 */
  stream_buffer_bytes?: number;
  /** Events queued for one stream client (WebSocket or SSE) before it counts as fallen behind and is dropped with its resume cursor. @default 10000 */
  stream_queue_events?: number;
  /**
   * Milliseconds between two reads of new events for the all-events streams: events in
   * between go to every subscriber as one batch (one write per subscriber), so many
   * subscribers cost the engine little; it is also the most those streams lag. @default 25
   */
  stream_batch_ms?: number;
  /** Messages per second a WebSocket client may send (twice as many in a burst); past it the server stops reading from it for a while. @default 20 */
  ws_messages_per_second?: number;
  /** Folder of the JSON Schemas the OpenAPI document references. @default the package's schemas/ */
  schemas_dir?: string;
  /** Pack a workflow created through the API belongs to. @default 'api' */
  api_pack?: string;
  /** Seconds between SSE keep-alive comments. @default 15 */
  sse_keepalive_seconds?: number;
  /** Folder of the built web console served at /ui/; null serves none. @default the package's dist/console */
  console_dir?: string | null;
  /**
   * Check every response against the OpenAPI document (HARMONIA_VALIDATE_RESPONSES): the
   * status must be declared for the operation, the content type must match and a JSON body
   * must match its schema; a mismatch is logged and answered 500 RESPONSE_CONTRACT_VIOLATION.
   * @default false
   */
  validate_responses?: boolean;
}

export interface ResolvedServerOptions {
  version: string;
  tokens: readonly ConfiguredToken[];
  token_file: string | null;
  allowed_origins: readonly string[];
  max_body_bytes: number;
  max_workflow_size: number;
  max_task_count: number;
  stream_buffer_bytes: number;
  stream_queue_events: number;
  stream_batch_ms: number;
  ws_messages_per_second: number;
  schemas_dir: string | null;
  api_pack: string;
  sse_keepalive_seconds: number;
  console_dir: string | null;
  validate_responses: boolean;
}

/** Everything createApp needs. */
export interface ServerDeps {
  store: Store;
  engine: Engine;
  /** The pack sync service; routes under /packs use it. */
  packs: PackSyncService;
  /** @default createComponentService({ repo: store.components }) */
  components?: ComponentService;
  /** The git sync behind /api/v1/git/*; absent or null answers those routes with 404. @default null */
  git?: GitSyncController | null;
  /** Every git source (several: HARMONIA_GIT_SOURCES), behind /api/v1/git/sources. @default the set of `git` alone */
  git_sources?: GitSourceSet | null;
  /** Pack events forwarded to /ws/events and /events (git sync, dev mode). @default git.events, else a new emitter */
  pack_events?: PackEvents;
  options?: ServerOptions;
  /** @default a pino logger at info to stdout, through a bounded backlog (log-output.ts) */
  logger?: Logger;
  /** The logger's destination, when it counts lines it dropped: /metrics reports them. @default the default logger's, else none */
  log_output?: Pick<LogOutput, 'dropped'>;
  /** @default () => new Date() */
  now?: () => Date;
  /** The model server and packs folder of the assistant routes. @default none: they answer 503 LLM_NOT_CONFIGURED */
  assistant?: AssistantDeps;
  /**
   * Reads the environment variable a webhook trigger names (`secret_env`) as its secret.
   * @default none: every webhook trigger delivery is refused with AUTH_FORBIDDEN
   */
  trigger_secret?: (name: string) => string | undefined;
}

/** What the assistant routes need: the chat client (HARMONIA_LLM_*) and where pack folders are. */
export interface AssistantDeps {
  llm: ChatClient | null;
  /** The folder holding one folder per pack; drafts read the pack's actions and templates there. */
  packs_dir: string | null;
}
