import { describe, expect, it } from 'vitest';
import { DEFAULT_QUIET_HOURS } from '../../shared/consent';
import { campaignQuietLine, scheduledQuietNote, sendingHoursSentence } from './quietHours';

const WEEKDAYS_ONLY = {
  start: '09:00',
  end: '17:30',
  days: ['mon', 'tue', 'wed', 'thu', 'fri'] as const,
};

describe('the sending window in words', () => {
  it('says what the window means for campaigns, scheduled texts and replies', () => {
    expect(sendingHoursSentence(DEFAULT_QUIET_HOURS)).toBe(
      'Campaigns and scheduled texts go out between 8am and 9pm in each customer’s own time zone, every day. Replies to someone who texted in the last 24 hours are never held.',
    );
    expect(sendingHoursSentence(WEEKDAYS_ONLY)).toContain(
      'between 9am and 5:30pm in each customer’s own time zone, on Mon–Fri.',
    );
  });

  it('tells a campaign’s sender how many of its recipients will wait', () => {
    expect(campaignQuietLine(DEFAULT_QUIET_HOURS, 2, 3)).toBe(
      'Texts go out 8am–9pm, every day, in each customer’s time zone; 2 of 3 recipients are outside those hours now and will wait.',
    );
    expect(campaignQuietLine(WEEKDAYS_ONLY, 1, 1)).toBe(
      'Texts go out 9am–5:30pm, Mon–Fri, in each customer’s time zone; 1 of 1 recipient is outside those hours now and will wait.',
    );
    expect(campaignQuietLine(DEFAULT_QUIET_HOURS, 0, 4)).toBe(
      'Texts go out 8am–9pm, every day, in each customer’s time zone; every recipient is inside those hours now.',
    );
    expect(campaignQuietLine(DEFAULT_QUIET_HOURS, 0, 0)).toBe(
      'Texts go out 8am–9pm, every day, in each customer’s time zone.',
    );
  });

  it('reminds beside a scheduled text when it may go', () => {
    expect(scheduledQuietNote(WEEKDAYS_ONLY)).toBe('goes out 9am–5:30pm, Mon–Fri, their time');
  });
});
