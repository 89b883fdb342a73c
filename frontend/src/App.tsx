import { lazy, Suspense } from 'react';
import { Route, Routes, useLocation } from 'react-router';
import { RequireSignedIn } from './auth/guards';
import { Footer } from './components/Footer';
import { Header } from './components/Header';
import { LoadFailureBoundary } from './components/LoadFailure';
import { Spinner } from './components/Spinner';
import { Activate } from './pages/Activate';
import { Home } from './pages/Home';
import { Login } from './pages/Login';
import { NotFound } from './pages/NotFound';
import { RecoveryRequest, RecoveryReset } from './pages/Recovery';
import { Register } from './pages/Register';
import { VerifyEmail } from './pages/VerifyEmail';

// The workspaces are a separate bundle: visitors of the home page never download them.
const Workspace = lazy(() => import('./workspace/Workspace'));

export function App() {
  const { pathname } = useLocation();
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Header />
      <main id="main" tabIndex={-1}>
        <LoadFailureBoundary resetKey={pathname}>
          <Suspense fallback={<Spinner />}>
            <Routes>
              <Route path="/" element={<Home />} />
              <Route path="/login" element={<Login />} />
              <Route path="/register" element={<Register />} />
              <Route path="/auth/activate/:token" element={<Activate />} />
              <Route path="/auth/recovery" element={<RecoveryRequest />} />
              <Route path="/auth/recovery_password/:token" element={<RecoveryReset />} />
              <Route
                path="/users/verify_email/:token"
                element={
                  <RequireSignedIn>
                    <VerifyEmail />
                  </RequireSignedIn>
                }
              />
              <Route
                path="/workspace/*"
                element={
                  <RequireSignedIn>
                    <Workspace />
                  </RequireSignedIn>
                }
              />
              <Route path="*" element={<NotFound />} />
            </Routes>
          </Suspense>
        </LoadFailureBoundary>
      </main>
      <Footer />
    </>
  );
}
