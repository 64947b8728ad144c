import { useUi } from '../state/StoresProvider';
import { ThemeToggle } from '../theme/ThemeToggle';
import { AppLogo } from './AppLogo';
import { ConnectionIndicator } from './ConnectionIndicator';

export function TopBar() {
  const openDialog = useUi((s) => s.openDialog);
  return (
    <header className="top-bar">
      <div className="brand">
        <AppLogo />
        <span className="brand-name">Candlewatch</span>
      </div>
      <button
        type="button"
        className="search-trigger"
        aria-keyshortcuts="Control+K"
        onClick={() => openDialog({ kind: 'symbol-search' })}
      >
        Search symbols… <kbd>Ctrl K</kbd>
      </button>
      <div className="top-bar-controls">
        <ConnectionIndicator />
        <ThemeToggle />
        <button
          type="button"
          className="button small"
          aria-keyshortcuts="?"
          onClick={() => openDialog({ kind: 'shortcuts' })}
        >
          Shortcuts
        </button>
        <button
          type="button"
          className="button small"
          aria-keyshortcuts="Control+,"
          onClick={() => openDialog({ kind: 'settings' })}
        >
          Settings
        </button>
      </div>
    </header>
  );
}
