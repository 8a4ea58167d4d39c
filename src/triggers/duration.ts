/** Durations as the workflow file writes them: `30s`, `5m`, `1h30m`, `2d`, `500ms`. */

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+)(ms|s|m|h|d)/y;
const safeMs = (ms: number): number | null => (Number.isSafeInteger(ms) ? ms : null);

/** Milliseconds of `text`, or null when it is not a duration (a bare number counts as seconds). */
export function parseDuration(text: string | number): number | null {
  if (typeof text === 'number') return Number.isSafeInteger(text * 1000) && text >= 0 ? text * 1000 : null;
  const trimmed = text.trim();
  // Digits alone are seconds, bounded like every other form (a 20-digit string is no duration).
  if (/^\d+$/.test(trimmed)) return safeMs(Number(trimmed) * 1000);
  if (trimmed === '') return null;
  let total = 0;
  PART.lastIndex = 0;
  // A sticky regex walks the text part by part; anything it cannot consume is not a duration.
  while (PART.lastIndex < trimmed.length) {
    const at = PART.lastIndex;
    const match = PART.exec(trimmed);
    if (!match || match.index !== at) return null;
    total += Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? 0);
  }
  return safeMs(total);
}
