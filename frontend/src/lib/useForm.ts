// Form state keyed by the API's own field paths ("email", "profile.date_of_birth",
// "user.profile.name"), so the server's field errors land next to the field they name.
// A field's rule runs as the person types once they have left it (or tried to submit). A form
// tells the dialog it is in whether it holds unsaved input, so that closing asks first.

import { useCallback, useMemo, useRef, useState } from 'react';
import { ApiError, type FieldErrors } from '../api/client';
import { useReportUnsaved } from './unsaved';
import { REQUIRED, type Rule } from './validate';

export interface FieldProps {
  id: string;
  name: string;
  value: string;
  error: string | null;
  onChange: (value: string) => void;
  onBlur: () => void;
}

export interface Form<K extends string> {
  values: Record<K, string>;
  field: (name: K) => FieldProps;
  set: (name: K, value: string) => void;
  /** Checks every rule and shows every problem; true when all pass. */
  validate: () => boolean;
  /** Shows an API refusal: field errors by path, the rest as the form's message. */
  showError: (error: unknown) => void;
  formError: string | null;
  /** Field errors from the server for paths this form has no field for. */
  otherErrors: FieldErrors;
  reset: (values?: Partial<Record<K, string>>) => void;
}

/** The server's other ways of saying that a required field is empty. */
const SERVER_EMPTY = new Set(['This field may not be blank.', 'This field may not be null.']);

/** Field errors in the app's words: an empty required field is "required" wherever it is said. */
function inAppWords(errors: FieldErrors): FieldErrors {
  return Object.fromEntries(
    Object.entries(errors).map(([path, messages]) => [path, messages.map((m) => (SERVER_EMPTY.has(m) ? REQUIRED : m))]),
  );
}

/** Takes keyboard and screen-reader users to the first field that needs attention. */
function focusFirstProblem() {
  requestAnimationFrame(() => {
    const field = document.querySelector<HTMLElement>('[aria-invalid="true"]') ?? document.querySelector<HTMLElement>('.form-message');
    field?.focus();
  });
}

export function useForm<K extends string>(
  initial: Record<K, string>,
  rules: (values: Record<K, string>) => Partial<Record<K, Rule>>,
  idPrefix = 'f',
): Form<K> {
  const [values, setValues] = useState(initial);
  // What "unchanged" means: the values the form started with, or was last reset to.
  const pristine = useRef(initial);
  useReportUnsaved((Object.keys(values) as K[]).some((name) => values[name] !== pristine.current[name]));
  const [touched, setTouched] = useState<Partial<Record<K, boolean>>>({});
  const [submitted, setSubmitted] = useState(false);
  const [serverErrors, setServerErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);

  const ruleSet = useMemo(() => rules(values), [rules, values]);

  const clientError = useCallback(
    (name: K): string | null => {
      const rule = ruleSet[name];
      return rule ? rule(values[name] ?? '') : null;
    },
    [ruleSet, values],
  );

  const set = useCallback((name: K, value: string) => {
    setValues((current) => ({ ...current, [name]: value }));
    setServerErrors((current) => {
      if (!(name in current)) return current;
      const next = { ...current };
      delete next[name];
      return next;
    });
  }, []);

  const field = (name: K): FieldProps => {
    const server = serverErrors[name]?.[0] ?? null;
    const shown = touched[name] || submitted ? clientError(name) : null;
    return {
      id: `${idPrefix}-${name.replace(/\./g, '-')}`,
      name,
      value: values[name] ?? '',
      error: server ?? shown,
      onChange: (value) => set(name, value),
      onBlur: () => setTouched((current) => ({ ...current, [name]: true })),
    };
  };

  const validate = () => {
    setSubmitted(true);
    setFormError(null);
    const valid = (Object.keys(values) as K[]).every((name) => clientError(name) === null);
    if (!valid) focusFirstProblem();
    return valid;
  };

  const showError = (error: unknown) => {
    if (error instanceof ApiError) {
      setServerErrors(inAppWords(error.errors));
      setFormError(error.detail);
      focusFirstProblem();
    } else {
      setFormError('Something went wrong. Please try again.');
    }
  };

  const otherErrors = Object.fromEntries(Object.entries(serverErrors).filter(([path]) => !(path in values)));

  const reset = (next: Partial<Record<K, string>> = {}) => {
    pristine.current = { ...initial, ...next };
    setValues(pristine.current);
    setTouched({});
    setSubmitted(false);
    setServerErrors({});
    setFormError(null);
  };

  return { values, field, set, validate, showError, formError, otherErrors, reset };
}
