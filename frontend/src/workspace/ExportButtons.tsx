// Everything the clinic holds on a patient (GDPR art. 15 and 20), as JSON or as a printable PDF:
// for the patient themself on their profile, and for staff on the patient's chart.

import type { User } from '../api/types';
import { fullName } from '../api/types';
import { useApi } from '../auth/session';
import { DownloadButton } from '../components/FileButtons';

/** The name an export is saved under when the server gives none (as it names the PDF). */
export function exportName(patientId: number, extension: 'json' | 'pdf'): string {
  return `patient-${patientId}-export.${extension}`;
}

/** The two buttons; `own` words them for the patient ("Download my data"). */
export function ExportButtons({ patient, own = false }: { patient: User; own?: boolean }) {
  const r = useApi();
  const words = own ? 'Download my data' : 'Download data';
  const of = own ? undefined : fullName(patient);
  return (
    <>
      <DownloadButton load={r.exportData(patient.id)} fileName={exportName(patient.id, 'json')} label={`${words} (JSON)`} of={of} />
      <DownloadButton load={r.exportPdf(patient.id)} fileName={exportName(patient.id, 'pdf')} label={`${words} (PDF)`} of={of} />
    </>
  );
}
