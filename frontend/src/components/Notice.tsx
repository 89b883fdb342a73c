import type { ReactNode } from 'react';
import './Notice.css';

/** A message in the flow of the page: success, information or a problem. */
export function Notice({ kind = 'info', children }: { kind?: 'info' | 'success' | 'error'; children: ReactNode }) {
  return (
    <div className={`notice notice--${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}
