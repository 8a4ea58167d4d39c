/** IANA time zones, as the runtime's Intl knows them. */

/** True when `zone` is a time zone Intl accepts (IANA names, `UTC`). */
export function isKnownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Every IANA zone name the runtime lists, for "did you mean" hints. */
export function knownTimeZones(): string[] {
  return Intl.supportedValuesOf('timeZone');
}
