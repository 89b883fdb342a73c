// The signed-in area: a menu of the parts the caller's role has, and the part chosen.

import { lazy, Suspense, type ComponentType } from 'react';
import { Navigate, NavLink, Route, Routes, useLocation } from 'react-router';
import { RequireRole } from '../auth/guards';
import { useSession } from '../auth/session';
import { LoadFailureBoundary } from '../components/LoadFailure';
import { Spinner } from '../components/Spinner';
import { CHART_ROLES, ROLE_LABELS, SECTIONS, sectionsFor, type SectionKey } from './sections';
import './Workspace.css';

const PAGES: Record<SectionKey, ComponentType> = {
  today: lazy(() => import('./TodaySection')),
  calendar: lazy(() => import('./CalendarSection')),
  hours: lazy(() => import('./HoursSection')),
  users: lazy(() => import('./UsersSection')),
  staff: lazy(() => import('./StaffSection')),
  patients: lazy(() => import('./PatientsSection')),
  diagnostics: lazy(() => import('./DiagnosticsSection')),
  'diagnostic-bookings': lazy(() => import('./DiagnosticBookingsSection')),
  visits: lazy(() => import('./VisitsSection')),
  journal: lazy(() => import('./JournalSection')),
  prescriptions: lazy(() => import('./PrescriptionsSection')),
  'sick-leave': lazy(() => import('./SickLeaveSection')),
  'login-history': lazy(() => import('./LoginHistorySection')),
  audit: lazy(() => import('./AuditSection')),
  profile: lazy(() => import('./ProfileSection')),
};

const PatientChart = lazy(() => import('./PatientChart'));

export default function Workspace() {
  const { me } = useSession();
  const { pathname } = useLocation();
  if (!me) return null;
  const mine = sectionsFor(me.role);
  return (
    <div className="workspace">
      <aside className="workspace__menu">
        <p className="workspace__role">
          {ROLE_LABELS[me.role]}
          {me.specialty ? ` · ${me.specialty}` : ''}
        </p>
        <nav aria-label="Workspace">
          <ul>
            {mine.map((section) => (
              <li key={section.key}>
                <NavLink to={`/workspace/${section.key}`}>{section.label(me.role)}</NavLink>
              </li>
            ))}
          </ul>
        </nav>
      </aside>
      <div className="workspace__content">
        <LoadFailureBoundary resetKey={pathname}>
          <Suspense fallback={<Spinner />}>
            <Routes>
              <Route index element={<Navigate to={mine[0].key} replace />} />
              <Route
                path="patients/:patientId"
                element={
                  <RequireRole roles={CHART_ROLES}>
                    <PatientChart />
                  </RequireRole>
                }
              />
              {SECTIONS.map((section) => {
                const Page = PAGES[section.key];
                return (
                  <Route
                    key={section.key}
                    path={section.key}
                    element={
                      <RequireRole roles={section.roles}>
                        <h1>{section.label(me.role)}</h1>
                        <Page />
                      </RequireRole>
                    }
                  />
                );
              })}
              <Route path="*" element={<Navigate to={mine[0].key} replace />} />
            </Routes>
          </Suspense>
        </LoadFailureBoundary>
      </div>
    </div>
  );
}
