/**
 * Where in a file's bytes the first one that is not UTF-8 text (or a NUL) is, as a line and
 * column, so PACK_FILE_NOT_UTF8 points at it as every other diagnostic about a file does
 * (the byte itself is found by core/utf8.ts's firstInvalidUtf8, shared with request bodies).
 */

/** The 1-based line and column (in UTF-16 units, as the YAML positions are) of byte `offset`. */
export function positionOfByte(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line += 1;
      lineStart = i + 1;
    }
  }
  const before = new TextDecoder('utf-8').decode(bytes.subarray(lineStart, offset));
  return { line, column: before.length + 1 };
}
