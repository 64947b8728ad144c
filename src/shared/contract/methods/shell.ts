import { z } from 'zod';
import { seriesKeySchema } from '../../domain/market';
import { event } from '../define';

/** Events of the desktop shell (src/main/electron); headless mode never emits them. */
export const shellEvents = {
  'shell:notification-clicked': event(
    z.object({ target: seriesKeySchema }),
    'The user clicked a native alert notification; the UI shows the chart it was about.',
  ),
};
