import type { Diagnostic } from '../../core/diagnostic.js';
import type { FormatOptions } from './format-options.js';
import { uniqueFiles } from './summary.js';

/**
 * A JUnit XML report that Jenkins, GitLab and most CI dashboards read: one
 * `<testsuite>` per file; inside it one failing `<testcase>` per error (so every
 * error is listed, not just the first) or a single passing `valid` testcase.
 * Warnings and notes go to the suite's `<system-out>`.
 */
export function formatJunit(diagnostics: readonly Diagnostic[], options: FormatOptions = {}): string {
  const files = uniqueFiles(diagnostics, options.files);
  let totalTests = 0;
  let totalFailures = 0;
  const suites = files.map((file) => {
    const own = diagnostics.filter((d) => d.file === file);
    const errors = own.filter((d) => d.severity === 'error');
    const notes = own.filter((d) => d.severity !== 'error');
    const name = file || '<input>';
    const cases = errors.length
      ? errors.map((d) => failingCase(name, d))
      : [`    <testcase classname="${xmlEscape(name)}" name="valid" file="${xmlEscape(name)}" time="0"/>`];
    const tests = cases.length;
    totalTests += tests;
    totalFailures += errors.length;
    const out = notes.length ? [`    <system-out>${xmlEscape(notes.map(describe).join('\n'))}</system-out>`] : [];
    return [
      `  <testsuite name="${xmlEscape(name)}" tests="${tests}" failures="${errors.length}" errors="0" skipped="0" time="0">`,
      ...cases,
      ...out,
      '  </testsuite>',
    ].join('\n');
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="harmonia validate" tests="${totalTests}" failures="${totalFailures}" errors="0" time="0">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}

function failingCase(file: string, d: Diagnostic): string {
  const where = d.line > 0 ? ` at ${d.line}:${d.column}` : '';
  return [
    `    <testcase classname="${xmlEscape(file)}" name="${xmlEscape(`${d.code}${where}`)}" file="${xmlEscape(file)}"${d.line > 0 ? ` line="${d.line}"` : ''} time="0">`,
    `      <failure type="${xmlEscape(d.code)}" message="${xmlEscape(d.message)}">${xmlEscape(describe(d))}</failure>`,
    '    </testcase>',
  ].join('\n');
}

function describe(d: Diagnostic): string {
  const where = d.line > 0 ? `${d.file}:${d.line}:${d.column}` : d.file;
  const lines = [`${where}  ${d.severity}  ${d.code}  ${d.message}`];
  if (d.hint) lines.push(`hint: ${d.hint}`);
  for (const r of d.related ?? []) lines.push(`related: ${r.file}:${r.line}:${r.column}  ${r.message}`);
  return lines.join('\n');
}

// XML 1.0 forbids most control characters even when escaped; drop them.
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** Escapes text for XML content and double- or single-quoted attributes. */
export function xmlEscape(text: string): string {
  return text
    .replace(XML_INVALID, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
