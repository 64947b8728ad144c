import { AppLogo } from '../app/AppLogo';
import { useUi } from '../state/StoresProvider';
import type { StarterChoice } from './onboarding';
import { useStarterChoice } from './use-starter-choice';

const CHOICES: { id: StarterChoice; title: string; text: string }[] = [
  {
    id: 'binance',
    title: 'Binance public data',
    text: 'Live candles and prices from Binance spot. No account or API key needed; needs an internet connection.',
  },
  {
    id: 'sim',
    title: 'Simulated exchange',
    text: 'A built-in market that moves like a real one. Works offline: ideal to try rules and alerts.',
  },
];

/** Shown in the chart area on first run: one click gives a watchlist and live charts. */
export function Onboarding() {
  const dismiss = useUi((s) => s.dismissOnboarding);
  const { busy, choose } = useStarterChoice();

  return (
    <section className="centered-screen onboarding" aria-labelledby="onboarding-title">
      <AppLogo />
      <h2 id="onboarding-title">Welcome to Candlewatch</h2>
      <p className="muted">
        Pick where your first charts come from. You can add exchanges and API keys later in Settings.
      </p>
      <div className="onboarding-choices">
        {CHOICES.map((c) => (
          <button
            key={c.id}
            type="button"
            className="onboarding-choice"
            disabled={busy !== undefined}
            onClick={() => void choose(c.id)}
          >
            <span className="onboarding-choice-title">{busy === c.id ? 'Setting up…' : c.title}</span>
            <span className="onboarding-choice-text">{c.text}</span>
          </button>
        ))}
      </div>
      <button type="button" className="link-button" onClick={dismiss}>
        Skip: I will set things up myself
      </button>
    </section>
  );
}
