// What the workspace's list sections share: the intro, the button that opens the create dialog,
// the notice above the list, the list's reload after a change, and the common filters.

import { useCallback, useState, type ReactNode } from 'react';
import { Notice } from '../components/Notice';
import type { FilterDef } from '../components/ResourceList';
import type { Outcome } from './useAction';

/** A key to hand to ResourceList's `reloadKey`, and the call that bumps it after a change. */
export function useReload() {
  const [reloadKey, setReloadKey] = useState(0);
  const reload = useCallback(() => setReloadKey((key) => key + 1), []);
  return { reloadKey, reload };
}

/** The filters by the patient's name, for lists that show more than the caller's own records. */
export const PATIENT_NAME_FILTERS: FilterDef[] = [
  { name: 'patient_name', label: 'Patient’s first name' },
  { name: 'patient_surname', label: 'Patient’s surname' },
];

export const OLDEST_OR_NEWEST = [
  { value: '', label: 'Oldest first' },
  { value: '-id', label: 'Newest first' },
];

/** The latest outcome of a section's actions; a new one takes the place of the one before. */
export function OutcomeNotice({ outcome }: { outcome: Outcome | null }) {
  return outcome ? (
    <Notice key={outcome.key} kind={outcome.kind}>
      {outcome.text}
    </Notice>
  ) : null;
}

/**
 * Everything above a section's list, in this order: a line about what it holds, the button
 * that creates (when the caller may), and the outcome of the latest save or row action.
 */
export function SectionHead({
  intro,
  create,
  outcome,
}: {
  intro?: ReactNode;
  create?: { label: string; onClick: () => void } | false;
  outcome: Outcome | null;
}) {
  return (
    <>
      {intro ? <p className="workspace__intro">{intro}</p> : null}
      {create ? (
        <div className="workspace__toolbar">
          <button type="button" className="button" onClick={create.onClick}>
            {create.label}
          </button>
        </div>
      ) : null}
      <OutcomeNotice outcome={outcome} />
    </>
  );
}
