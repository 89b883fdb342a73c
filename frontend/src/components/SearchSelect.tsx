// Choosing one of many (a patient, a doctor, an examination): type to narrow the list the
// server returns, then pick from a native select, which works with a keyboard and a screen reader.

import { useEffect, useRef, useState } from 'react';
import type { FieldProps } from '../lib/useForm';
import './Field.css';

export interface Choice {
  value: string;
  label: string;
}

interface Props {
  label: string;
  field: FieldProps;
  search: (text: string) => Promise<Choice[]>;
  searchLabel: string;
  hint?: string;
  required?: boolean;
  /** A choice already made elsewhere (opening the form from a patient's page). */
  preset?: Choice;
}

const SEARCH_DELAY_MS = 250;

export function SearchSelect({ label, field, search, searchLabel, hint, required, preset }: Props) {
  const [text, setText] = useState('');
  const [choices, setChoices] = useState<Choice[]>(preset ? [preset] : []);
  const [loading, setLoading] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const known = useRef(new Map<string, Choice>(preset ? [[preset.value, preset]] : []));

  useEffect(() => {
    let cancelled = false;
    const timer = setTimeout(async () => {
      setLoading(true);
      try {
        const found = await search(text.trim());
        if (cancelled) return;
        found.forEach((choice) => known.current.set(choice.value, choice));
        setChoices(found);
        setProblem(null);
      } catch {
        if (!cancelled) setProblem('The list could not be loaded.');
      } finally {
        if (!cancelled) setLoading(false);
      }
    }, SEARCH_DELAY_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [text, search]);

  // Keep the current choice visible while another search is shown.
  const selected = known.current.get(field.value);
  const shown = selected && !choices.some((c) => c.value === selected.value) ? [selected, ...choices] : choices;
  const searchId = `${field.id}-search`;
  const describedBy = [field.error ? `${field.id}-error` : null, hint ? `${field.id}-hint` : null].filter(Boolean).join(' ');

  return (
    <div className={`field${field.error ? ' field--invalid' : ''}`}>
      <label htmlFor={field.id}>
        {label}
        {required ? <span className="field__required"> (required)</span> : null}
      </label>
      <input
        id={searchId}
        type="search"
        aria-label={searchLabel}
        placeholder={searchLabel}
        value={text}
        onChange={(event) => setText(event.target.value)}
      />
      <select
        id={field.id}
        name={field.name}
        value={field.value}
        aria-invalid={field.error ? true : undefined}
        aria-describedby={describedBy || undefined}
        aria-busy={loading}
        onChange={(event) => field.onChange(event.target.value)}
        onBlur={field.onBlur}
      >
        <option value="">{loading ? 'Searching…' : shown.length ? 'Choose…' : 'Nothing found'}</option>
        {shown.map((choice) => (
          <option key={choice.value} value={choice.value}>
            {choice.label}
          </option>
        ))}
      </select>
      {hint ? (
        <p className="field__hint" id={`${field.id}-hint`}>
          {hint}
        </p>
      ) : null}
      {problem ? <p className="field__error">{problem}</p> : null}
      {field.error ? (
        <p className="field__error" id={`${field.id}-error`}>
          {field.error}
        </p>
      ) : null}
    </div>
  );
}
