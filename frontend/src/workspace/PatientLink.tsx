// A patient's name that leads to their chart, for those who may read patients' records.

import { Link } from 'react-router';
import { fullName, type User } from '../api/types';
import { canForAnyone } from '../auth/permissions';
import { useSession } from '../auth/session';

export function chartPath(patientId: number): string {
  return `/workspace/patients/${patientId}`;
}

export function PatientLink({ user }: { user: User }) {
  const { me } = useSession();
  if (!me || !canForAnyone(me.role, 'ReadPatient')) return <>{fullName(user)}</>;
  return <Link to={chartPath(user.id)}>{fullName(user)}</Link>;
}
