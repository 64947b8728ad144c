import type { z } from 'zod';
import type { SettingsRepository } from '../store/settings-repository';
import {
  defaultSettings,
  settingsSchema,
  type Settings,
  type SettingsPatch,
} from '../../../shared/domain/settings';
import { settingsPatchSchema } from '../../../shared/domain/settings';
import { ContractError } from '../../../shared/contract/result';
import { Emitter } from '../base/emitter';
import type { Logger } from '../base/log';
import { exchangeSettingsProblems } from '../exchange/ccxt-factory';

type Section = keyof Settings;
const SECTIONS = Object.keys(settingsSchema.shape) as Section[];

/**
 * Non-secret settings, one SQLite row per section. A row that no longer parses (hand-edited, or
 * written by a broken build) is reported and shadowed by the default in memory, but left on disk
 * until the user saves that section, so nothing is lost.
 */
export class SettingsService {
  private current: Settings;
  private readonly changes = new Emitter<Settings>();

  constructor(
    private readonly repo: SettingsRepository,
    private readonly log: Logger,
  ) {
    this.current = this.load();
  }

  get(): Settings {
    return this.current;
  }

  update(patch: SettingsPatch): Settings {
    const parsed = settingsPatchSchema.parse(patch);
    const problems = foreignHosts(parsed.exchanges ?? {});
    if (problems.length > 0) throw new ContractError('invalid-input', problems.join('\n'));
    const next = settingsSchema.parse({ ...this.current, ...parsed });
    const changed: Record<string, unknown> = {};
    for (const section of Object.keys(parsed) as Section[]) changed[section] = next[section];
    this.repo.saveMany(changed);
    this.current = next;
    this.changes.emit(next);
    return next;
  }

  onChange(listener: (s: Settings) => void): () => void {
    return this.changes.on(listener);
  }

  private load(): Settings {
    const raw = this.repo.loadRaw();
    const merged: Record<string, unknown> = { ...defaultSettings() };
    for (const section of SECTIONS) {
      const text = raw[section];
      if (text === undefined) continue;
      const schema = settingsSchema.shape[section] as z.ZodType;
      let value: unknown;
      try {
        value = schema.parse(JSON.parse(text));
      } catch (err) {
        this.log.warn(
          `stored settings section "${section}" is unreadable; using defaults until it is saved again`,
          {
            error: err instanceof Error ? err.message.slice(0, 500) : String(err),
          },
        );
        continue;
      }
      merged[section] = value;
    }
    return settingsSchema.parse(merged);
  }
}

/**
 * Exchange settings that would send requests (and so the API key) to a host other than the
 * exchange's own or this machine: refused when saved, by the app and by the config file alike.
 */
export function foreignHosts(exchanges: Settings['exchanges']): string[] {
  return Object.entries(exchanges).flatMap(([id, es]) => exchangeSettingsProblems(id, es));
}
