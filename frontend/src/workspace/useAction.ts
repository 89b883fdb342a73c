// Running one action from a list or a dialog (block, cancel, delete ...): asks for confirmation
// when it cannot be undone, and reports the outcome in words.

import { useCallback, useState } from 'react';
import { ApiError } from '../api/client';

export interface Outcome {
  kind: 'success' | 'error';
  text: string;
}

export function useAction() {
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  const run = useCallback(
    async (action: () => Promise<unknown>, options: { confirm?: string; success: string }): Promise<boolean> => {
      if (options.confirm && !window.confirm(options.confirm)) return false;
      setBusy(true);
      try {
        await action();
        setOutcome({ kind: 'success', text: options.success });
        return true;
      } catch (error) {
        setOutcome({ kind: 'error', text: error instanceof ApiError ? error.detail : 'That did not work. Please try again.' });
        return false;
      } finally {
        setBusy(false);
      }
    },
    [],
  );

  return { busy, outcome, run, clear: () => setOutcome(null) };
}
