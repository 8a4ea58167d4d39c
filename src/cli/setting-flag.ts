/**
 * The help text of a flag that sets a setting, from the defaults table, so `--help` names
 * the same variable and default as docs/configuration.md.
 */
import { SETTINGS, type SettingKey } from '../core/settings.js';

/** `<meaning> (HARMONIA_X; default Y)` for the setting behind a flag. */
export function settingFlagHelp(key: SettingKey, what?: string): string {
  const spec = SETTINGS[key];
  const value = spec.default;
  const shown =
    spec.default_text !== undefined
      ? spec.default_text.replace(/`/g, '')
      : value === null
        ? 'unset'
        : Array.isArray(value)
          ? value.join(',') || 'none'
          : String(value);
  const meaning = what ?? spec.meaning.replace(/\.$/, '');
  return `${meaning.charAt(0).toLowerCase()}${meaning.slice(1)} (${spec.env}; default ${shown})`;
}
