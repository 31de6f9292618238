// TypeBox schemas of the email-alert preferences API: what goes in, and exactly what comes out.
import { Type } from '@sinclair/typebox';
import { StringEnum } from '../http/schemas.js';
import { alertModes } from './alerts.service.js';
import type { AlertFilter } from './filters.js';

// The filter is the shared AlertFilter (push/filters.ts), registered once in app.ts: webhooks use it too.
const Filter = Type.Unsafe<AlertFilter>(Type.Ref('AlertFilter'));

const Mode = StringEnum(alertModes, { description: 'immediate: one mail per warning; hourly: one digest mail an hour; none: no alert mail' });

export const AlertPrefsSchema = Type.Object({ mode: Mode, filter: Filter }, { title: 'AlertPrefs', description: 'filter.groupIds: only sharing groups the user\'s organisation belongs to' });

export const AlertPrefsInputSchema = Type.Object(
  { mode: Mode, filter: Type.Optional(Filter) },
  { additionalProperties: false, description: 'Replaces the settings; an absent filter means {} (every warning you may see).' },
);
