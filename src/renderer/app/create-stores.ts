import { createAlertsStore } from '../alerts/alerts-store';
import { SoundPlayer } from '../alerts/sound-player';
import { createRulesStore } from '../rules/rules-store';
import type { SettingsStore } from '../settings/settings-store';
import { declareEventSubscription } from '../state/event-subscription';
import { createMarketStore } from '../state/market-store';
import type { Stores } from '../state/StoresProvider';
import { createUiStore } from '../state/ui-store';
import { localStorageOrUndefined } from '../theme/apply-theme';
import type { Transport } from '../transport/transport';

/**
 * The page's stores, built once before React renders (as the settings store is): each listens to
 * its events for as long as the page lives, and StrictMode's double render cannot make two.
 */
export function createStores(transport: Transport, settings: SettingsStore): Stores {
  const ui = createUiStore(localStorageOrUndefined());
  const sound = new SoundPlayer();
  sound.unlockOnFirstGesture(window);
  const market = createMarketStore(transport);
  declareEventSubscription({ transport, ui, settings, market });
  return {
    ui,
    sound,
    market,
    rules: createRulesStore(transport),
    alerts: createAlertsStore({
      api: transport.api,
      sound,
      browserNotifications: transport.kind === 'websocket',
      openChart: (target, time) =>
        ui
          .getState()
          .openChart(
            { exchange: target.exchange, symbol: target.symbol },
            { timeframe: target.timeframe, time },
          ),
    }),
  };
}
