import type { E164 } from '../phone';
import type { PlannedRow } from './importPlan';

/** A planned row for tests: a labelled mobile, with whatever else the test says. */
export const plannedRow = (
  line: number,
  phone: string,
  fields: Partial<PlannedRow> = {},
): PlannedRow => ({
  line,
  phone: phone as E164,
  label: 'Mobile',
  kind: 'mobile',
  why: 'labelled-mobile',
  others: 0,
  merged: [],
  ...fields,
});
