/** The scratch files editors write next to a file while saving it (not pack content). */
const TEMP_PATTERNS: readonly RegExp[] = [
  /~$/, // emacs and vim backups
  /^\.?#/, // emacs lock and auto-save files: .#file, #file#
  /\.sw[a-px]$/i, // vim swap files: .file.yaml.swp, .swo, ... and its .swx probe
  /\.(tmp|temp|bak|orig|crswap)$/i,
  /\.tmp[.-]?[\w-]*$/i, // file.yaml.tmp.1234, file.tmp-abc (write-then-rename savers)
  /___jb_(tmp|old|bak)___$/, // JetBrains safe write
  /^4913$/, // vim probes whether it may create files with this name
  /^\.DS_Store$/,
];

/** True for the scratch files editors write next to the real one while saving. */
export function isEditorTempFile(name: string): boolean {
  return TEMP_PATTERNS.some((pattern) => pattern.test(name));
}
