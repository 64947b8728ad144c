import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { createStores } from './app/create-stores';
import { MissingTokenScreen } from './app/MissingTokenScreen';
import { createSettingsStore } from './settings/settings-store';
import { applyCachedTheme } from './theme/apply-theme';
import { chooseTransport } from './transport/choose-transport';
import type { Transport } from './transport/transport';
import './theme/theme.css';
import './app/app-frame.css';
import './app/monitor.css';

applyCachedTheme();
const choice = chooseTransport();
const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');

/** The stores outlive React's renders; the page's stores declare their events from the settings. */
function startApp(transport: Transport) {
  const settings = createSettingsStore(transport);
  return <App transport={transport} settings={settings} stores={createStores(transport, settings)} />;
}

createRoot(container).render(
  <StrictMode>
    {choice.ok ? startApp(choice.transport) : <MissingTokenScreen problem={choice.problem} />}
  </StrictMode>,
);
