export declare function generateValidators(): Promise<string>;
