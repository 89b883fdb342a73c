// Every endpoint the app uses, typed. Lists take the page, size and filters as a query.

import type { ApiClient, DownloadedFile, Query } from './client';
import type {
  AuditEvent,
  ConflictingVisit,
  Diagnostic,
  DiagnosticBooking,
  DoctorVisit,
  FreeSlots,
  HoursException,
  JournalEntry,
  LoginAttempt,
  Me,
  Page,
  Prescription,
  ProfileInput,
  SickLeave,
  StaffMember,
  StaffRoleName,
  User,
  WeeklyInterval,
  WorkingHours,
} from './types';

export type ListLoader<T> = (query: Query) => Promise<Page<T>>;

/** A file of the API's, fetched with the session's token. */
export type FileLoader = () => Promise<DownloadedFile>;

export function resources(api: ApiClient) {
  const get = <T>(path: string, query?: Query) => api.request<T>('GET', path, { query });
  const list =
    <T>(path: string): ListLoader<T> =>
    (query) =>
      get<Page<T>>(path, query);
  const send = <T>(method: string, path: string, body?: unknown) => api.request<T>(method, path, { body });
  const file =
    (path: string): FileLoader =>
    () =>
      api.download(path);

  return {
    me: () => get<Me>('/auth/qhealth_role'),
    socketToken: () => get<{ token: string }>('/auth/socket'),

    register: (body: { email: string; password: string; profile: ProfileInput }) =>
      api.request<User>('POST', '/users', { body, auth: false }),
    activate: (token: string, password?: string) =>
      api.request<User>('PATCH', `/auth/activate/${encodeURIComponent(token)}`, {
        body: password ? { password } : {},
        auth: false,
      }),
    requestActivation: (email: string) =>
      api.request<{ detail: string }>('POST', '/auth/activation', { body: { email }, auth: false }),
    requestRecovery: (email: string) =>
      api.request<{ details: string }>('POST', '/auth/recovery', { body: { email }, auth: false }),
    resetPassword: (token: string, password: string) =>
      api.request<User>('POST', `/auth/recovery_password/${encodeURIComponent(token)}`, { body: { password }, auth: false }),
    verifyEmail: (token: string) => get<{ detail: string }>(`/users/verify_email/${encodeURIComponent(token)}`),

    users: list<User>('/users'),
    user: (id: number) => get<User>(`/users/${id}`),
    updateUser: (id: number, body: { email?: string; profile?: ProfileInput }) => send<User>('PATCH', `/users/${id}`, body),
    deleteUser: (id: number) => send<null>('DELETE', `/users/${id}`),
    userAction: (id: number, action: 'block' | 'unblock' | 'create_admin' | 'revoke_admin') =>
      send<User>('PATCH', `/users/${id}/${action}`),
    resendActivation: (id: number) => send<User>('PATCH', `/users/${id}/resend_activation`),
    patients: list<User>('/users/patient'),
    patient: (id: number) => get<User>(`/users/patient/${id}`),

    staff: list<StaffMember>('/roles'),
    createStaff: (body: {
      role: StaffRoleName;
      specialty?: string;
      user: { email: string; password?: string; profile: ProfileInput };
    }) => send<StaffMember>('POST', '/roles', body),
    setDoctorBookable: (roleId: number, bookable: boolean) =>
      send<{ is_available_for_booking: boolean }>(
        'PATCH',
        `/roles/${bookable ? 'unblock_staff_doctor' : 'block_staff_doctor'}/${roleId}`,
      ),
    doctors: list<StaffMember>('/roles/doctor_list'),

    diagnostics: list<Diagnostic>('/diagnostics'),
    createDiagnostic: (modality: string) => send<Diagnostic>('POST', '/diagnostics', { modality }),
    updateDiagnostic: (id: number, modality: string) => send<Diagnostic>('PATCH', `/diagnostics/${id}`, { modality }),
    deleteDiagnostic: (id: number) => send<null>('DELETE', `/diagnostics/${id}`),

    diagnosticBookings: list<DiagnosticBooking>('/booking_diagnostic'),
    bookDiagnostic: (body: { user_id?: number; diagnostics_id: number; date_time?: string }) =>
      send<DiagnosticBooking>('POST', '/booking_diagnostic', body),
    scheduleDiagnostic: (id: number, date_time: string) =>
      send<DiagnosticBooking>('PATCH', `/booking_diagnostic/${id}`, { date_time }),
    deleteDiagnosticBooking: (id: number) => send<null>('DELETE', `/booking_diagnostic/${id}`),

    visits: list<DoctorVisit>('/booking_doctor'),
    bookVisit: (body: { user_id: number; doctor_id: number; date_time: string; duration_minutes?: number }) =>
      send<DoctorVisit>('POST', '/booking_doctor', body),
    /** One of `doctor_id` or `specialty`; clinic dates, at most 31 days apart. */
    freeSlots: (query: Query) => get<FreeSlots>('/booking_doctor/free_slots', query),
    hours: (doctorId: number) => get<WorkingHours>(`/booking_doctor/hours/${doctorId}`),
    setHours: (doctorId: number, body: { weekly: WeeklyInterval[]; visit_minutes?: number }) =>
      send<{ hours: WorkingHours; conflicting_visits: ConflictingVisit[] }>('PUT', `/booking_doctor/hours/${doctorId}`, body),
    addHoursException: (
      doctorId: number,
      body: { date: string; kind: HoursException['kind']; from?: string; to?: string; note?: string },
    ) =>
      send<{ exception: HoursException; conflicting_visits: ConflictingVisit[] }>(
        'POST',
        `/booking_doctor/hours/${doctorId}/exceptions`,
        body,
      ),
    deleteHoursException: (doctorId: number, id: number) =>
      send<null>('DELETE', `/booking_doctor/hours/${doctorId}/exceptions/${id}`),
    cancelVisit: (id: number) => send<DoctorVisit>('PATCH', `/booking_doctor/cancelled/${id}`),
    deleteVisit: (id: number) => send<null>('DELETE', `/booking_doctor/${id}`),
    /** A visit summary: patient, doctor, time, length, status and that day's journal entries. */
    visitPdf: (id: number) => file(`/booking_doctor/${id}/pdf`),

    journal: list<JournalEntry>('/patient_card'),
    journalEntry: (id: number) => get<JournalEntry>(`/patient_card/${id}`),
    journalPdf: (id: number) => file(`/patient_card/${id}/pdf`),
    writeJournal: (body: { user_id: number; diagnosis: string; description: string; planning: string }) =>
      send<JournalEntry>('POST', '/patient_card', body),
    deleteJournal: (id: number) => send<null>('DELETE', `/patient_card/${id}`),

    prescriptions: list<Prescription>('/patient_recipe'),
    prescription: (id: number) => get<Prescription>(`/patient_recipe/${id}`),
    prescriptionPdf: (id: number) => file(`/patient_recipe/${id}/pdf`),
    writePrescription: (body: { user_id: number; recipe: string; description: string }) =>
      send<Prescription>('POST', '/patient_recipe', body),
    deletePrescription: (id: number) => send<null>('DELETE', `/patient_recipe/${id}`),

    sickLeaves: list<SickLeave>('/sick_leave'),
    sickLeave: (id: number) => get<SickLeave>(`/sick_leave/${id}`),
    sickLeavePdf: (id: number) => file(`/sick_leave/${id}/pdf`),
    issueSickLeave: (body: { user_id: number; date_from: string; date_to: string; diagnosis: string; notes?: string }) =>
      send<SickLeave>('POST', '/sick_leave', body),

    audit: list<AuditEvent>('/audit'),
    /** Everything the clinic holds on a patient, as JSON or as a printable PDF. */
    exportData: (patientId: number) => file(`/export/${patientId}`),
    exportPdf: (patientId: number) => file(`/export/${patientId}/pdf`),

    loginHistory: list<LoginAttempt>('/security'),
    deleteLoginAttempt: (id: number) => send<null>('DELETE', `/security/${id}`),
  };
}

export type Resources = ReturnType<typeof resources>;
