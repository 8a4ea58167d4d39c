/** The workflow a client sends: defined in core, which the application layer shares. */
export type { TaskDocument, WorkflowDocument } from '../core/workflow-document.js';
