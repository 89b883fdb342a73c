// Sending a form: checks its rules first, keeps the submit button busy while the request runs,
// and shows a refusal next to the fields it names.

import { useState, type FormEvent } from 'react';
import type { Form } from './useForm';

export function useSubmit<K extends string>(form: Form<K>, send: () => Promise<void>) {
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!form.validate()) return;
    setBusy(true);
    try {
      await send();
    } catch (error) {
      form.showError(error);
    } finally {
      setBusy(false);
    }
  };

  return { busy, submit };
}
