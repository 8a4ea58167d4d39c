/**
 * A form generated from declared inputs or template parameters (type, default, enum,
 * required, description), checked in the browser before anything is sent: the server
 * checks again, and its 422 is shown under the form.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { ParameterSpec } from '../../../src/core/model.js';
import { HarmoniaClientError } from '../client.js';
import { initialRaw, parseParams, type Raw } from './parse-params.js';

export interface ParamsFormProps {
  idPrefix: string;
  specs: Record<string, ParameterSpec>;
  submitLabel: string;
  onSubmit(values: Record<string, unknown>): Promise<void>;
  /** Extra fields before the generated ones (e.g. a name). */
  children?: ComponentChildren;
}

export function ParamsForm(props: ParamsFormProps) {
  const [raw, setRaw] = useState<Raw>(() => initialRaw(props.specs));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const entries = Object.entries(props.specs);

  const submit = async (event: Event) => {
    event.preventDefault();
    const parsed = parseParams(props.specs, raw);
    setErrors(parsed.errors);
    setFailure(null);
    if (Object.keys(parsed.errors).length > 0) {
      const first = Object.keys(parsed.errors)[0];
      if (first !== undefined) document.getElementById(`${props.idPrefix}-${first}`)?.focus();
      return;
    }
    setBusy(true);
    try {
      await props.onSubmit(parsed.values);
    } catch (caught) {
      setFailure(caught instanceof HarmoniaClientError ? `${caught.code}: ${caught.message}` : String(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="params-form" onSubmit={(e) => void submit(e)} noValidate>
      {props.children}
      {entries.length === 0 && <p class="muted">No inputs are declared.</p>}
      {entries.map(([name, spec]) => {
        const id = `${props.idPrefix}-${name}`;
        const error = errors[name];
        const describedBy = [spec.description !== undefined ? `${id}-help` : '', error !== undefined ? `${id}-error` : ''].filter(Boolean).join(' ');
        const common = {
          id,
          name,
          'aria-invalid': error !== undefined,
          'aria-describedby': describedBy || undefined,
          required: spec.required === true,
        };
        const value = raw[name];
        const set = (v: string | boolean) => {
          setRaw({ ...raw, [name]: v });
          // an edited field's old complaint goes; it is checked again on submit
          if (error !== undefined) setErrors(({ [name]: _gone, ...rest }) => rest);
        };
        let field;
        if (spec.type === 'boolean') {
          field = <input type="checkbox" {...common} checked={value === true} onChange={(e) => set(e.currentTarget.checked)} />;
        } else if (spec.enum !== undefined && spec.enum.length > 0) {
          field = (
            <select {...common} value={String(value)} onChange={(e) => set(e.currentTarget.value)}>
              {spec.required !== true || spec.default === undefined ? <option value="">—</option> : null}
              {spec.enum.map((option) => (
                <option key={String(option)} value={String(option)}>
                  {String(option)}
                </option>
              ))}
            </select>
          );
        } else if (spec.secret === true) {
          // a secret is typed unseen and kept out of the browser's form history, whatever its type
          field = (
            <input {...common} type="password" autocomplete="new-password" spellcheck={false} value={String(value)} onInput={(e) => set(e.currentTarget.value)} />
          );
        } else if (spec.type === 'object' || spec.type === 'array') {
          field = <textarea {...common} rows={4} class="mono" value={String(value)} onInput={(e) => set(e.currentTarget.value)} />;
        } else {
          field = (
            <input
              {...common}
              type={spec.type === 'integer' || spec.type === 'number' ? 'number' : 'text'}
              step={spec.type === 'integer' ? 1 : 'any'}
              value={String(value)}
              onInput={(e) => set(e.currentTarget.value)}
            />
          );
        }
        return (
          <div class="field" key={name}>
            <label for={id}>
              {name}
              {spec.required === true && <span aria-hidden="true"> *</span>} <span class="muted">{spec.type ?? 'any'}</span>
            </label>
            {field}
            {spec.description !== undefined && (
              <p id={`${id}-help`} class="help">
                {spec.description}
              </p>
            )}
            {error !== undefined && (
              <p id={`${id}-error`} class="field-error">
                {name} must be {error}
              </p>
            )}
          </div>
        );
      })}
      {failure !== null && (
        <p class="field-error" role="alert">
          {failure}
        </p>
      )}
      <button type="submit" class="primary" disabled={busy}>
        {busy ? `${props.submitLabel}…` : props.submitLabel}
      </button>
    </form>
  );
}
