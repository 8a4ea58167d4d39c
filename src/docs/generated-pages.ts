/** The pages rendered from the code, by their path in the repository (scripts/gen-docs.mjs writes them). */
import { renderCodesPage } from './render-codes-page.js';
import { renderConfigurationPage } from './render-configuration-page.js';

export const GENERATED_PAGES: Readonly<Record<string, () => string>> = {
  'docs/codes.md': renderCodesPage,
  'docs/configuration.md': renderConfigurationPage,
};
