import type { SettingsStore } from '../settings/settings-store';
import { SettingsProvider } from '../settings/SettingsProvider';
import { StoresProvider, type Stores } from '../state/StoresProvider';
import type { Transport } from '../transport/transport';
import { TransportProvider } from '../transport/TransportProvider';
import { AppFrame } from './AppFrame';

export function App({
  transport,
  settings,
  stores,
}: {
  transport: Transport;
  settings: SettingsStore;
  stores: Stores;
}) {
  return (
    <TransportProvider transport={transport}>
      <SettingsProvider store={settings}>
        <StoresProvider stores={stores}>
          <AppFrame />
        </StoresProvider>
      </SettingsProvider>
    </TransportProvider>
  );
}
