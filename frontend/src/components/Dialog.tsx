// A modal panel: focus moves into it, Escape, a click outside or the close button leave it, and
// focus returns to whatever opened it. While a form inside holds unsaved input, leaving asks
// first ("Discard your changes?"), so a stray Escape or click does not lose what was typed.

import {
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
  type FocusEvent as ReactFocusEvent,
  type KeyboardEvent as ReactKeyboardEvent,
  type ReactNode,
} from 'react';
import { UnsavedInputContext, type UnsavedInput } from '../lib/unsaved';
import './Dialog.css';

interface Props {
  title: string;
  onClose: () => void;
  children: ReactNode;
  wide?: boolean;
}

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** Which forms inside hold unsaved input, as they report it. */
function useUnsavedForms() {
  const forms = useRef(new Set<string>());
  const tracker = useMemo<UnsavedInput>(
    () => ({
      report: (id, unsaved) => {
        if (unsaved) forms.current.add(id);
        else forms.current.delete(id);
      },
    }),
    [],
  );
  return { tracker, anyUnsaved: () => forms.current.size > 0 };
}

export function Dialog({ title, onClose, children, wide }: Props) {
  const panel = useRef<HTMLDivElement>(null);
  const lastFocused = useRef<HTMLElement | null>(null);
  const titleId = useRef(`dialog-${Math.random().toString(36).slice(2)}`).current;
  const { tracker, anyUnsaved } = useUnsavedForms();
  const [confirming, setConfirming] = useState(false);

  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    panel.current?.focus();
    return () => opener?.focus?.();
  }, []);

  /** Escape, a click outside and the close button: closes, unless that would lose input. */
  const requestClose = useCallback(() => {
    if (anyUnsaved()) setConfirming(true);
    else onClose();
  }, [anyUnsaved, onClose]);

  const keepEditing = useCallback(() => {
    setConfirming(false);
    (lastFocused.current ?? panel.current)?.focus();
  }, []);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      if (confirming) keepEditing();
      else requestClose();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [confirming, keepEditing, requestClose]);

  const keepFocusInside = (event: ReactKeyboardEvent) => {
    if (event.key !== 'Tab' || !panel.current) return;
    const focusable = panel.current.querySelectorAll<HTMLElement>(FOCUSABLE);
    if (focusable.length === 0) return;
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  };

  // Where to come back to after "Keep editing": the field that was being typed in.
  const rememberFocus = (event: ReactFocusEvent) => {
    if (event.target instanceof HTMLElement && !event.target.closest('.dialog__confirm')) lastFocused.current = event.target;
  };

  return (
    <div className="dialog__backdrop" onMouseDown={(event) => event.target === event.currentTarget && !confirming && requestClose()}>
      <div
        className={`dialog${wide ? ' dialog--wide' : ''}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        tabIndex={-1}
        ref={panel}
        onKeyDown={keepFocusInside}
        onFocus={rememberFocus}
      >
        <header className="dialog__header">
          <h2 id={titleId}>{title}</h2>
          <button type="button" className="button button--quiet dialog__close" onClick={requestClose} aria-label="Close">
            ✕
          </button>
        </header>
        {confirming ? <DiscardPrompt onKeep={keepEditing} onDiscard={onClose} /> : null}
        <UnsavedInputContext.Provider value={tracker}>
          <div className="dialog__body">{children}</div>
        </UnsavedInputContext.Provider>
      </div>
    </div>
  );
}

/** Asks whether to throw away what was typed; keeping it is the default (and Escape). */
function DiscardPrompt({ onKeep, onDiscard }: { onKeep: () => void; onDiscard: () => void }) {
  const keep = useRef<HTMLButtonElement>(null);
  useEffect(() => keep.current?.focus(), []);
  return (
    <div className="dialog__confirm" role="alertdialog" aria-labelledby="dialog-discard-title" aria-describedby="dialog-discard-text">
      <p id="dialog-discard-title" className="dialog__confirm-title">
        Discard your changes?
      </p>
      <p id="dialog-discard-text">What you have typed here is not saved yet.</p>
      <div className="form-actions">
        <button type="button" className="button" ref={keep} onClick={onKeep}>
          Keep editing
        </button>
        <button type="button" className="button button--danger" onClick={onDiscard}>
          Discard changes
        </button>
      </div>
    </div>
  );
}
