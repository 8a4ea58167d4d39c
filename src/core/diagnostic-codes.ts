/**
 * Every diagnostic code the pack pipeline emits, with a one-line description.
 * docs/format.md lists the same catalogue; `# harmonia-ignore CODE` accepts these.
 */
export const DIAGNOSTIC_CODES = {
  // loader
  PACK_MANIFEST_MISSING: 'the pack directory has no pack.yaml',
  PACK_INVALID_NAME: 'the pack directory name is not a valid ref segment',
  PACK_INVALID_FILE_NAME: 'a workflow, template or action file name is not a valid ref segment',
  PACK_FILE_TOO_LARGE: 'a file is larger than max_file_size and was not read',
  PACK_SYMLINK_ESCAPE: 'a symlink points outside its pack and was not followed',
  PACK_FILE_NOT_UTF8: 'a file is not UTF-8 text (or contains NUL bytes)',
  PACK_FILE_UNREADABLE: 'a file or directory could not be read',
  PACK_DUPLICATE_REF: 'two files (x.yaml and x.yml) define the same ref',
  PACK_PATH_NOT_FOUND: 'a path given to validate does not exist or is not inside a pack',
  PACK_NOTHING_TO_VALIDATE: 'a folder given to validate holds no pack, so nothing would be checked',
  PACK_FILE_IGNORED: 'a file or folder in a pack that the loader does not read (wrong folder, sub-folder or extension)',
  // YAML
  YAML_SYNTAX: 'the file is not valid YAML',
  YAML_DUPLICATE_KEY: 'a mapping has the same key twice',
  YAML_TOO_DEEP: 'the document nests deeper than the parser allows; it was not parsed',
  YAML_ALIAS_LIMIT: 'the file uses too many aliases (a YAML bomb); it was not expanded',
  YAML_MULTI_DOCUMENT: 'the file holds more than one YAML document',
  YAML_EMPTY: 'the file holds no YAML document',
  YAML_WARNING: 'the YAML parser warned about something that may not mean what it seems',
  // schema
  SCHEMA_UNKNOWN_KEY: 'a key that the format does not know (often a typo)',
  SCHEMA_REQUIRED: 'a required key is missing',
  SCHEMA_TYPE: 'a value has the wrong type',
  SCHEMA_ENUM: 'a value is not one of the allowed values',
  SCHEMA_RANGE: 'a number is out of its allowed range',
  SCHEMA_PATTERN: 'a string does not have the required form',
  SCHEMA_INVALID: 'a value does not match the schema in another way',
  // DAG
  DAG_UNKNOWN_DEPENDENCY: 'depends_on names a task that does not exist',
  DAG_SELF_DEPENDENCY: 'a task depends on itself',
  DAG_CYCLE: 'depends_on forms a cycle',
  DAG_DUPLICATE_TASK: 'two list-form tasks have the same id',
  // expressions
  EXPR_SYNTAX: 'an expression cannot be parsed',
  EXPR_UNKNOWN_FUNCTION: 'an expression calls a function that does not exist',
  EXPR_FORBIDDEN: 'an expression reaches for something it may not read (prototype, constructor, ...)',
  EXPR_LIMIT: 'an expression is too long or nests too deeply',
  EXPR_UNKNOWN_TASK: 'an expression reads a task that does not exist',
  EXPR_NOT_UPSTREAM: 'an expression reads a task that its task does not depend on',
  EXPR_UNKNOWN_TASK_FIELD: 'an expression reads a task field other than output, status or error',
  EXPR_UNKNOWN_INPUT: 'an expression reads an input the workflow does not declare',
  EXPR_UNKNOWN_PARAM: 'an expression reads a template parameter that is not declared',
  EXPR_UNKNOWN_NAMESPACE: 'an expression starts with a name that is not a namespace',
  EXPR_UNKNOWN_CONTEXT: 'an expression reads a context key that is not declared',
  CONDITION_NOT_EXPRESSION: 'a condition is not a single ${...} expression',
  // actions
  ACTION_UNKNOWN: 'a task names an action that does not exist',
  ACTION_IS_WORKFLOW: 'a task names a workflow as its action (use core.workflow)',
  ACTION_UNKNOWN_COMPONENT: 'a task names a remote component that is not registered',
  ACTION_UNKNOWN_WORKFLOW: 'core.workflow names a workflow that does not exist',
  ACTION_ENTRY_POINT_MISSING: "an action's entry_point file does not exist in actions/",
  TASK_INPUT_UNKNOWN_PARAMETER: 'a task passes an input key the action does not declare (warning), or one a core.workflow child does not declare (error)',
  TASK_INPUT_MISSING_PARAMETER: 'a task does not pass a required action parameter',
  TASK_INPUT_INVALID_VALUE: 'a task passes a literal value outside the enum, or of another type, than the parameter or input declares',
  SHELL_COMMAND_INTERPOLATION: 'a core.shell command run with shell: true splices in a ${...} value (shell injection)',
  // packs
  PACK_REF_MISMATCH: "pack.yaml's ref differs from the directory name",
  PACK_UNDECLARED_DEPENDENCY: "a file uses another pack that is not in pack.yaml's dependencies",
  PACK_UNKNOWN_DEPENDENCY: 'a dependency names a pack that does not exist',
  PACK_DEPENDENCY_CYCLE: 'packs list each other in their dependencies, in a cycle',
  // handlers, retries, inputs, templates
  HANDLER_UNKNOWN_TASK: 'on_error or error_handlers names a task that does not exist',
  RETRY_INVALID: 'a retry policy cannot work as written',
  ERROR_TYPE_UNKNOWN: 'retriable_errors or error_handlers names an error type no built-in failure has (often a typo; a warning)',
  INPUT_DEFAULT_INVALID: 'a default does not match its type or enum',
  PARAMETER_NAME_INVALID: 'an input or parameter is named __proto__, constructor or prototype',
  TEMPLATE_UNKNOWN_PARENT: 'extends names a template that does not exist',
  TEMPLATE_EXTENDS_CYCLE: 'templates extend each other in a cycle',
  WORKFLOW_TEMPLATE_PARAMS: 'a workflow reads ${param.*}: it is registered as the body of a template to be, and runs only once instantiated (a warning)',
  WORKFLOW_RECURSION: 'a workflow starts itself through core.workflow, directly or through a ring of workflows of its pack (a warning: a condition may bound it)',
  // limits
  WORKFLOW_TOO_MANY_TASKS: 'a workflow or template has more tasks than max_task_count allows',
  WORKFLOW_TOO_LARGE: 'a workflow or template file is larger than max_workflow_size (what the API accepts)',
  // triggers
  TRIGGER_INVALID: 'a trigger has none or more than one of schedule, webhook and after',
  TRIGGER_AFTER_CYCLE: 'after-triggers make a ring of workflows that start each other when they end (a workflow started by its own end), so the ring would run forever',
  TRIGGER_UNKNOWN_WORKFLOW: 'an after-trigger waits for a workflow of its own pack, or of a pack it depends on, that does not exist (it would never fire)',
  TRIGGER_CRON_INVALID: 'a schedule has a cron expression that cannot be parsed, or that no date matches (30 February)',
  TRIGGER_TIMEZONE_UNKNOWN: 'a schedule names a time zone that is not an IANA zone',
  TRIGGER_DURATION_INVALID: 'every, catchup_window or jitter is not a duration',
  TRIGGER_INTERVAL_TOO_SHORT: "a schedule's every is shorter than the shortest interval, one second",
  TRIGGER_SCHEDULE_INVALID: "a schedule has both or neither of cron and every, or start_at/end_at are not ISO 8601 times with an offset (or dates), in order",
  // suppression
  HARMONIA_IGNORE_UNKNOWN_CODE: 'a harmonia-ignore comment names a code that does not exist',
} as const;

/** A code from the catalogue. */
export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

/** True when `code` is in the catalogue. */
export function isDiagnosticCode(code: string): code is DiagnosticCode {
  return Object.prototype.hasOwnProperty.call(DIAGNOSTIC_CODES, code);
}
