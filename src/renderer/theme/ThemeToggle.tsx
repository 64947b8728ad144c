import { useState } from 'react';
import { useSettings, useSettingsStore } from '../settings/SettingsProvider';
import { THEME_CHOICES, type ThemeChoice } from './theme-choice';

/** Dark / light / system, saved in the core's settings (appearance.theme) so every window follows. */
export function ThemeToggle({ name = 'theme' }: { name?: string }) {
  const store = useSettingsStore();
  const appearance = useSettings()?.appearance;
  // The clicked choice shows at once; the stored one takes over when the core answers (or refuses).
  const [pending, setPending] = useState<ThemeChoice>();
  const shown = pending ?? appearance?.theme;

  const choose = (theme: ThemeChoice) => {
    if (!appearance) return;
    setPending(theme);
    // Other appearance fields, present or future, are kept: a patch replaces the whole section.
    void store.update({ appearance: { ...appearance, theme } }).finally(() => setPending(undefined));
  };
  return (
    <div className="segmented" role="radiogroup" aria-label="Theme">
      {THEME_CHOICES.map(({ value, label }) => (
        <label key={value} className="segmented-option">
          <input
            type="radio"
            name={name}
            value={value}
            checked={shown === value}
            disabled={appearance === undefined}
            onChange={() => choose(value)}
          />
          <span>{label}</span>
        </label>
      ))}
    </div>
  );
}
