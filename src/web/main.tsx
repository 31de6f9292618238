// Entry point: mounts the app in #root.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';
import { LiveProvider } from './live.tsx';
import { SessionProvider } from './session.tsx';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <SessionProvider>
      <LiveProvider>
        <App />
      </LiveProvider>
    </SessionProvider>
  </StrictMode>,
);
