// Files the API answers with (PDFs, the data export) need the bearer token, so a plain link
// cannot fetch them: they are fetched first, then handed to the browser from memory through an
// object URL — saved under a name, or opened in a tab of their own for printing.

import type { DownloadedFile } from '../api/client';

/** How long an object URL outlives its use: the browser reads the file from it meanwhile. */
export const OBJECT_URL_LIFETIME_MS = 60_000;

/** Hands `blob` to the browser's downloads as `filename`. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.rel = 'noopener';
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), OBJECT_URL_LIFETIME_MS);
}

/** The name to save `file` under: the server's, else `fallback`. */
export function fileNameOf(file: DownloadedFile, fallback: string): string {
  return file.filename ?? fallback;
}

/** A PDF as the browser's viewer needs it typed, whatever the answer's type said. */
function asPdf(blob: Blob): Blob {
  return blob.type === 'application/pdf' ? blob : new Blob([blob], { type: 'application/pdf' });
}

/**
 * Opens a PDF in a new tab, where the browser's viewer prints it. The tab is opened at once, in
 * the click itself (a tab opened after waiting for the server would be taken for a pop-up and
 * blocked), and shows the file once it has arrived; it is closed again if the file does not come.
 * Where no tab may be opened at all, the file is saved instead, as `fallbackName` if it has no
 * name of its own.
 */
export async function openPdfInNewTab(load: () => Promise<DownloadedFile>, fallbackName: string): Promise<void> {
  const tab = window.open('', '_blank');
  try {
    const file = await load();
    if (!tab) {
      saveBlob(file.blob, fileNameOf(file, fallbackName));
      return;
    }
    const url = URL.createObjectURL(asPdf(file.blob));
    tab.location.href = url;
    setTimeout(() => URL.revokeObjectURL(url), OBJECT_URL_LIFETIME_MS);
  } catch (error) {
    tab?.close();
    throw error;
  }
}
