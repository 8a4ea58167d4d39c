/** What every diagnostic formatter may use besides the diagnostics themselves. */
export interface FormatOptions {
  /**
   * Every file that was checked, as diagnostics name them; clean files count in
   * summaries and JUnit reports. @default the files the diagnostics name
   */
  files?: readonly string[];
  /** Returns a file's text for code frames; undefined when it is not known. */
  readSource?: (file: string) => string | undefined;
  /** End text output with the `✖ 3 errors …` / `✔ 5 files valid` line. @default true */
  summary?: boolean;
  /** ANSI colours in text output. @default false */
  color?: boolean;
  /** Directory that relative URIs in SARIF are based on; absolute paths under it become relative. */
  cwd?: string;
  /** Reported as the tool's version in SARIF. */
  toolVersion?: string;
}
