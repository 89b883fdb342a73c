import { Link, NavLink, useNavigate } from 'react-router';
import { useSession } from '../auth/session';
import { ROLE_LABELS } from '../workspace/sections';
import './Header.css';

const LIVE_TEXT = {
  live: 'Live updates on',
  connecting: 'Connecting live updates',
  retrying: 'Live updates paused, reconnecting',
  stopped: 'Live updates off',
} as const;

export function Header() {
  const { me, logout, liveStatus } = useSession();
  const navigate = useNavigate();

  // Leave the workspace first: its guards would otherwise send a signed-out page to the login.
  const signOut = async () => {
    navigate('/', { replace: true });
    await logout();
  };

  return (
    <header className="site-header">
      <div className="site-header__inner">
        <Link to="/" className="site-header__brand" aria-label="QHealth Medical Centre, home">
          <img src="/logo.svg" alt="" width="176" height="40" />
        </Link>
        <nav className="site-header__nav" aria-label="Main">
          <NavLink to="/" end>
            Home
          </NavLink>
          {me ? <NavLink to="/workspace">Workspace</NavLink> : null}
        </nav>
        <div className="site-header__account">
          {me ? (
            <>
              <span className={`live-dot live-dot--${liveStatus}`} title={LIVE_TEXT[liveStatus]}>
                <span className="visually-hidden">{LIVE_TEXT[liveStatus]}</span>
              </span>
              <span className="site-header__who">
                <span className="site-header__name">{me.name}</span> <span className="badge badge--brand">{ROLE_LABELS[me.role]}</span>
              </span>
              <button type="button" className="button button--quiet button--small" onClick={signOut}>
                Sign out
              </button>
            </>
          ) : (
            <>
              <Link to="/login" className="button button--quiet button--small">
                Sign in
              </Link>
              <Link to="/register" className="button button--small">
                Register
              </Link>
            </>
          )}
        </div>
      </div>
    </header>
  );
}
