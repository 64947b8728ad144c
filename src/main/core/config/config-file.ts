import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { settingsSchema } from '../../../shared/domain/settings';
import { parseConfigRules } from '../alerts/rule-service';
import { foreignHosts } from '../settings/settings-service';

/** The JSON file that seeds settings (docs/config.md). Every section is optional; what it names wins. */
export const configFileSchema = settingsSchema.partial().extend({
  // Rules are validated by the rule engine's own schema when they are seeded.
  rules: z.array(z.record(z.string(), z.unknown())).optional(),
});
export type ConfigFile = z.output<typeof configFileSchema>;

export class ConfigFileError extends Error {
  constructor(file: string, detail: string) {
    super(`Config file ${file} is not valid:\n${detail}`);
    this.name = 'ConfigFileError';
  }
}

export function readConfigFile(file: string): ConfigFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigFileError(
      file,
      `  cannot read it (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
    );
  }
  return parseConfigText(text, file);
}

export function parseConfigText(text: string, file = 'config'): ConfigFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigFileError(file, `  it is not JSON: ${(err as Error).message}`);
  }
  const parsed = configFileSchema.safeParse(json);
  if (!parsed.success) throw new ConfigFileError(file, z.prettifyError(parsed.error));
  // Checked here, not when the core starts, so every invalid file is the same kind of error (exit 2).
  const problems = foreignHosts(parsed.data.exchanges ?? {});
  if (problems.length > 0) throw new ConfigFileError(file, problems.map((p) => `  ✖ ${p}`).join('\n'));
  if (parsed.data.rules) {
    try {
      parseConfigRules(parsed.data.rules);
    } catch (err) {
      throw new ConfigFileError(file, `  ✖ ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return parsed.data;
}
