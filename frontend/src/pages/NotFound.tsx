import { Link } from 'react-router';
import './auth.css';

export function NotFound() {
  return (
    <div className="auth-page">
      <section className="panel">
        <h1>Page not found</h1>
        <p>There is no page at this address. It may have moved, or the link may be mistyped.</p>
        <Link to="/">Go to the home page</Link>
      </section>
    </div>
  );
}
