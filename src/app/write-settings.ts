/** The limits and the pack every write through the API applies, whichever edge it came from. */
export interface WriteSettings {
  /** Pack that workflows and templates created through the API belong to. @default 'api' */
  api_pack: string;
  /** Largest workflow or template body, in bytes (HARMONIA_MAX_WORKFLOW_SIZE). */
  max_workflow_size: number;
  /** Most tasks in one workflow (HARMONIA_MAX_TASK_COUNT). */
  max_task_count: number;
}
