// Whether a dialog holds input that closing it would throw away. Every form reports it (useForm
// does so by itself); the dialog around the forms asks before it closes on them.

import { createContext, useContext, useEffect, useId } from 'react';

export interface UnsavedInput {
  /** `unsaved` is whether the form `id` differs from what it started with. */
  report(id: string, unsaved: boolean): void;
}

export const UnsavedInputContext = createContext<UnsavedInput | null>(null);

/** Tells the dialog around (if there is one) whether this form holds unsaved input. */
export function useReportUnsaved(unsaved: boolean) {
  const dialog = useContext(UnsavedInputContext);
  const id = useId();
  useEffect(() => {
    if (!dialog) return;
    dialog.report(id, unsaved);
    return () => dialog.report(id, false);
  }, [dialog, id, unsaved]);
}
