// Running one action from a list or a dialog (block, cancel, delete ...): asks for confirmation
// when it cannot be undone, and reports the outcome in words. A section shows one outcome at a
// time: the latest, whether it came from a row's button or from a form saved in a dialog.

import { useCallback, useRef, useState } from 'react';
import { ApiError } from '../api/client';

export interface Outcome {
  kind: 'success' | 'error';
  text: string;
  /** New for every outcome, so that the same words said twice are shown (and announced) anew. */
  key: number;
}

export interface RunOptions {
  confirm?: string;
  success: string;
  /** The refusal in the caller's words, when the server's are not theirs; null keeps the server's. */
  refusal?: (error: ApiError) => string | null;
}

export function useAction() {
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const counter = useRef(0);

  const report = useCallback((kind: Outcome['kind'], text: string) => {
    counter.current += 1;
    setOutcome({ kind, text, key: counter.current });
  }, []);

  const run = useCallback(
    async (action: () => Promise<unknown>, options: RunOptions): Promise<boolean> => {
      if (options.confirm && !window.confirm(options.confirm)) return false;
      setBusy(true);
      try {
        await action();
        report('success', options.success);
        return true;
      } catch (error) {
        const text = error instanceof ApiError ? (options.refusal?.(error) ?? error.detail) : 'That did not work. Please try again.';
        report('error', text);
        return false;
      } finally {
        setBusy(false);
      }
    },
    [report],
  );

  /** Reports what a form in a dialog saved, in the place of whatever was said before. */
  const succeeded = useCallback((text: string) => report('success', text), [report]);

  return { busy, outcome, run, succeeded, clear: () => setOutcome(null) };
}
