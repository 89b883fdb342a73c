// Buttons for a file of the API's: "Download PDF" saves it, "Print" opens it in a new tab for
// the browser's print dialog. The file is fetched with the session's token when clicked; a
// refusal or a lost connection is said beside the buttons.

import { useState } from 'react';
import { ApiError } from '../api/client';
import type { FileLoader } from '../api/resources';
import { fileNameOf, openPdfInNewTab, saveBlob } from '../lib/download';
import './FileButtons.css';

const FAILED = 'The file could not be fetched. Please try again.';

type Task = 'save' | 'print';

function useFileTask() {
  const [busy, setBusy] = useState<Task | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const run = async (task: Task, work: () => Promise<void>) => {
    setBusy(task);
    setProblem(null);
    try {
      await work();
    } catch (error) {
      setProblem(error instanceof ApiError ? error.detail : FAILED);
    } finally {
      setBusy(null);
    }
  };
  return { busy, problem, run };
}

/** Fetches the file and saves it under the server's name, or `fileName` when it gives none. */
async function save(load: FileLoader, fileName: string) {
  const file = await load();
  saveBlob(file.blob, fileNameOf(file, fileName));
}

interface Common {
  load: FileLoader;
  /** The name to save the file under when the server gives none. */
  fileName: string;
  /** Which record the buttons are for, as screen readers hear it after their words. */
  of: string;
  small?: boolean;
}

function buttonClass(small: boolean | undefined) {
  return `button button--quiet${small ? ' button--small' : ''}`;
}

function Problem({ text }: { text: string | null }) {
  return text ? (
    <span className="file-buttons__problem" role="alert">
      {text}
    </span>
  ) : null;
}

/** "Download PDF" and, unless `print` is false, "Print" (placed in the caller's row of buttons). */
export function PdfButtons({ load, fileName, of, small, print = true }: Common & { print?: boolean }) {
  const { busy, problem, run } = useFileTask();
  return (
    <>
      <button type="button" className={buttonClass(small)} disabled={busy !== null} onClick={() => run('save', () => save(load, fileName))}>
        {busy === 'save' ? 'Downloading…' : 'Download PDF'}
        <span className="visually-hidden"> of {of}</span>
      </button>
      {print ? (
        <button type="button" className={buttonClass(small)} disabled={busy !== null} onClick={() => run('print', () => openPdfInNewTab(load, fileName))}>
          {busy === 'print' ? 'Opening…' : 'Print'}
          <span className="visually-hidden"> {of}</span>
        </button>
      ) : null}
      <Problem text={problem} />
    </>
  );
}

/** One button that saves a file: `label` says what it is ("Download my data (JSON)"). */
export function DownloadButton({ load, fileName, of, small, label }: Omit<Common, 'of'> & { of?: string; label: string }) {
  const { busy, problem, run } = useFileTask();
  return (
    <>
      <button type="button" className={buttonClass(small)} disabled={busy !== null} onClick={() => run('save', () => save(load, fileName))}>
        {busy ? 'Downloading…' : label}
        {of ? <span className="visually-hidden"> of {of}</span> : null}
      </button>
      <Problem text={problem} />
    </>
  );
}
