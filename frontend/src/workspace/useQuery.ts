// The address's query, read and changed in place. React Router's useSearchParams does the same,
// but would move its code into the bundle every visitor of the home page loads; the location
// and navigate hooks are there already.

import { useCallback, useMemo } from 'react';
import { useLocation, useNavigate } from 'react-router';

/** The query, and a call that sets (or, with null or '', removes) some of its parameters. */
export function useQuery(): [URLSearchParams, (changes: Record<string, string | null>) => void] {
  const { pathname, search } = useLocation();
  const navigate = useNavigate();
  const params = useMemo(() => new URLSearchParams(search), [search]);
  const change = useCallback(
    (changes: Record<string, string | null>) => {
      const next = new URLSearchParams(search);
      for (const [name, value] of Object.entries(changes)) {
        if (value === null || value === '') next.delete(name);
        else next.set(name, value);
      }
      const query = next.toString();
      navigate(`${pathname}${query ? `?${query}` : ''}`, { replace: true });
    },
    [navigate, pathname, search],
  );
  return [params, change];
}
