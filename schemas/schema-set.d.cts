export declare const SCHEMA_KINDS: readonly ['workflow', 'template', 'action', 'pack'];
export declare const SCHEMA_BASE_ID: string;
export declare const AJV_OPTIONS: { allErrors: true; verbose: true; allowUnionTypes: true; strict: true };
export declare function readSchemaTexts(): Promise<string[]>;
