// Labelled inputs with their error or hint underneath, tied together for screen readers.

import type { ChangeEvent, ReactNode } from 'react';
import type { FieldProps } from '../lib/useForm';
import './Field.css';

interface Common {
  label: string;
  field: FieldProps;
  hint?: ReactNode;
  required?: boolean;
}

function describedBy(field: FieldProps, hint: ReactNode): string | undefined {
  const ids = [field.error ? `${field.id}-error` : null, hint ? `${field.id}-hint` : null].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

/** What every control needs: its value, its error state and what describes it. */
function controlProps({ field, hint, required }: Common) {
  return {
    id: field.id,
    name: field.name,
    value: field.value,
    'aria-invalid': field.error ? true : undefined,
    'aria-describedby': describedBy(field, hint),
    'aria-required': required || undefined,
    onChange: (event: ChangeEvent<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>) => field.onChange(event.target.value),
    onBlur: field.onBlur,
  };
}

function Frame({ label, field, hint, required, children }: Common & { children: ReactNode }) {
  return (
    <div className={`field${field.error ? ' field--invalid' : ''}`}>
      <label htmlFor={field.id}>
        {label}
        {required ? <span className="field__required"> (required)</span> : null}
      </label>
      {children}
      {hint ? (
        <p className="field__hint" id={`${field.id}-hint`}>
          {hint}
        </p>
      ) : null}
      {field.error ? (
        <p className="field__error" id={`${field.id}-error`}>
          {field.error}
        </p>
      ) : null}
    </div>
  );
}

export function TextField({
  type = 'text',
  autoComplete,
  inputMode,
  min,
  max,
  ...common
}: Common & {
  type?: 'text' | 'email' | 'password' | 'date' | 'time' | 'datetime-local' | 'number' | 'tel' | 'search';
  autoComplete?: string;
  inputMode?: 'text' | 'numeric' | 'tel' | 'email';
  min?: string;
  max?: string;
}) {
  return (
    <Frame {...common}>
      <input {...controlProps(common)} type={type} autoComplete={autoComplete} inputMode={inputMode} min={min} max={max} />
    </Frame>
  );
}

export function TextArea(common: Common & { rows?: number }) {
  return (
    <Frame {...common}>
      <textarea {...controlProps(common)} rows={common.rows ?? 4} />
    </Frame>
  );
}

export function SelectField({
  options,
  placeholder,
  ...common
}: Common & { options: { value: string; label: string }[]; placeholder?: string }) {
  return (
    <Frame {...common}>
      <select {...controlProps(common)}>
        {placeholder !== undefined ? <option value="">{placeholder}</option> : null}
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </Frame>
  );
}

/** A new password and the same again, with what a password needs said under the first. */
export function NewPasswordFields({ label, password, again }: { label: string; password: FieldProps; again: FieldProps }) {
  return (
    <>
      <TextField
        label={label}
        type="password"
        autoComplete="new-password"
        field={password}
        required
        hint="8–128 characters with an upper-case and a lower-case letter, a digit and a symbol."
      />
      <TextField label={`${label} again`} type="password" autoComplete="new-password" field={again} required />
    </>
  );
}

/** The form's own message (the server's `detail`) and errors for fields it does not show. */
export function FormMessage({ error, other }: { error: string | null; other?: Record<string, string[]> }) {
  const entries = Object.entries(other ?? {});
  if (!error && entries.length === 0) return null;
  return (
    <div className="form-message" role="alert" tabIndex={-1}>
      {error ? <p>{error}</p> : null}
      {entries.length ? (
        <ul>
          {entries.map(([path, messages]) => (
            <li key={path}>
              <strong>{path}</strong>: {messages.join(' ')}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/**
 * A form's buttons: submit (its label while busy, when it has one), and Cancel when the form
 * can be left; anything else (a link) follows them.
 */
export function FormActions({
  busy,
  label,
  busyLabel,
  onCancel,
  children,
}: {
  busy: boolean;
  label: string;
  busyLabel?: string;
  onCancel?: () => void;
  children?: ReactNode;
}) {
  return (
    <div className="form-actions">
      <button className="button" type="submit" disabled={busy}>
        {busy && busyLabel ? busyLabel : label}
      </button>
      {onCancel ? (
        <button className="button button--quiet" type="button" onClick={onCancel}>
          Cancel
        </button>
      ) : null}
      {children}
    </div>
  );
}
