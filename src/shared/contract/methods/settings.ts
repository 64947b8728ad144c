import { z } from 'zod';
import { settingsPatchSchema, settingsSchema } from '../../domain/settings';
import { event, method } from '../define';

export const settingsMethods = {
  'settings:get': method(z.object({}).strict(), settingsSchema, 'The current non-secret settings.'),
  'settings:update': method(
    settingsPatchSchema,
    settingsSchema,
    'Replace the given top-level sections of the settings; returns the settings as stored.',
  ),
};

export const settingsEvents = {
  'settings:changed': event(settingsSchema, 'Settings were changed (by this window or another client).'),
};
