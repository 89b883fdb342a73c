import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import '@fontsource/inter/400.css';
import '@fontsource/inter/600.css';
import '@fontsource/lora/600.css';
import './styles/base.css';
import { ApiClient, sessionTokenStore } from './api/client';
import { SessionProvider } from './auth/session';
import { App } from './App';

const api = new ApiClient({ store: sessionTokenStore() });

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <BrowserRouter>
        <SessionProvider api={api}>
          <App />
        </SessionProvider>
      </BrowserRouter>
    </StrictMode>,
  );
}
