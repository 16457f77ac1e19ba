import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SearchHitSchema, type SearchHit } from '../../../shared/ipc/views';
import { contactSearchText, fold, parseQuery, snippet } from './searchText';
import { ChangeLog, ME, minute } from './testChanges';
import { cachePerTest } from './testCache';

const cache = cachePerTest();

function seed(role: 'agent' | 'supervisor'): void {
  const log = new ChangeLog();
  log.user({ id: ME.userId, role });
  const ada = log.thread(1, {
    contact: { name: 'Ada Lovelace', phone: '+14155550123' },
    conversation: { lastActivityAt: minute(30) },
  });
  const bob = log.thread(2, {
    contact: { name: 'Bob Smith', phone: '+12125559876' },
    conversation: { lastActivityAt: minute(20) },
  });
  const blocked = log.thread(3, {
    contact: { name: 'Mallory Spam', phone: '+13105550199', blocked: true, optedIn: false },
    conversation: { lastActivityAt: minute(5) },
  });
  log.message({
    id: 'm1',
    conversationId: ada.conversationId,
    createdAt: minute(1),
    body: 'Can I move my appointment to Thursday?',
  });
  log.message({
    id: 'm2',
    conversationId: bob.conversationId,
    createdAt: minute(2),
    body: 'Is there parking near the café? Order 88812',
  });
  log.message({
    id: 'm3',
    conversationId: ada.conversationId,
    createdAt: minute(3),
    direction: 'outbound',
    status: 'sent',
    body: 'Yes, your appointment is now Thursday at 3pm.',
  });
  log.message({
    id: 'm4',
    conversationId: blocked.conversationId,
    createdAt: minute(4),
    status: 'quarantined',
    body: 'Cheap appointment slots, click here',
  });
  cache().applyChanges(log.changes);
}

/** What the hit's highlights cover, lower-cased. */
const marked = (hit: SearchHit | undefined) =>
  (hit?.highlights ?? []).map(([start, end]) => hit?.snippet.slice(start, end).toLowerCase());

describe('search', () => {
  it('finds messages by word and by the prefix being typed, newest first', () => {
    seed('agent');
    const hits = cache().search('appoint', 10);
    expect(hits.map((hit) => [hit.kind, hit.messageId])).toEqual([
      ['message', 'm3'],
      ['message', 'm1'],
    ]);
    expect(hits[0]).toMatchObject({
      conversationId: 'conversation-1',
      contactId: 'contact-1',
      name: 'Ada Lovelace',
      phone: '+14155550123',
      at: minute(3),
      snippet: 'Yes, your appointment is now Thursday at 3pm.',
    });
    expect(hits.flatMap(marked)).toEqual(['appoint', 'appoint']);
    expect(cache().search('appointment thurs', 10).flatMap(marked)).toEqual([
      'appointment',
      'thurs',
      'appointment',
      'thurs',
    ]);
  });

  it('ignores case and accents', () => {
    seed('agent');
    const hits = cache().search('CAFE', 10);
    expect(hits.map((hit) => hit.messageId)).toEqual(['m2']);
    expect(marked(hits[0])).toEqual(['café']);
  });

  it('finds contacts by the start of any name and by digits anywhere in the number', () => {
    seed('agent');
    const contactIds = (query: string) =>
      cache()
        .search(query, 10)
        .filter((hit) => hit.kind === 'contact')
        .map((hit) => hit.contactId);
    expect(contactIds('lov')).toEqual(['contact-1']);
    expect(contactIds('ada lo')).toEqual(['contact-1']);
    // A last word of one letter waits for the next: "ada l" finds what "ada" finds.
    expect(contactIds('ada l')).toEqual(['contact-1']);
    expect(contactIds('sm')).toEqual(['contact-2']);
    expect(contactIds('5550123')).toEqual(['contact-1']);
    expect(contactIds('555-0123')).toEqual(['contact-1']);
    expect(contactIds('(415) 555')).toEqual(['contact-1']);
    expect(contactIds('+1 212')).toEqual(['contact-2']);
    // Newest activity first: Ada's conversation moved last.
    expect(contactIds('555')).toEqual(['contact-1', 'contact-2']);
    const [hit] = cache().search('5550123', 10);
    expect(hit).toMatchObject({
      kind: 'contact',
      conversationId: 'conversation-1',
      messageId: null,
      snippet: 'Ada Lovelace · +14155550123',
      at: minute(30),
    });
    expect(marked(hit)).toEqual(['5550123']);
    expect(marked(cache().search('ada', 10)[0])).toEqual(['ada']);
  });

  it('moves a contact up when its conversation moves and finds it by a new name', () => {
    seed('agent');
    const log = new ChangeLog(cache().cursor() + 1);
    log.conversation({ id: 'conversation-2', contactId: 'contact-2', lastActivityAt: minute(40) });
    log.contact({ id: 'contact-1', name: 'Augusta King', phone: '+14155550123' });
    cache().applyChanges(log.changes);
    expect(
      cache()
        .search('555', 10)
        .map((hit) => hit.contactId),
    ).toEqual(['contact-2', 'contact-1']);
    expect(cache().search('lovelace', 10)).toEqual([]);
    expect(
      cache()
        .search('augusta', 10)
        .map((hit) => hit.contactId),
    ).toEqual(['contact-1']);
  });

  it('finds a message again after its text changes, and not by its old words', () => {
    seed('agent');
    const log = new ChangeLog(cache().cursor() + 1);
    log.message(
      { id: 'm2', conversationId: 'conversation-2', createdAt: minute(2), body: 'Never mind' },
      'updated',
    );
    cache().applyChanges(log.changes);
    expect(cache().search('parking', 10)).toEqual([]);
    expect(
      cache()
        .search('never', 10)
        .map((hit) => hit.messageId),
    ).toEqual(['m2']);
  });

  it('never shows agents blocked contacts or their quarantined texts; supervisors see them', () => {
    seed('agent');
    expect(cache().search('cheap', 10)).toEqual([]);
    expect(cache().search('mallory', 10)).toEqual([]);
    expect(
      cache()
        .search('appointment', 10)
        .map((hit) => hit.messageId),
    ).toEqual(['m3', 'm1']);
    const log = new ChangeLog(cache().cursor() + 1);
    log.user({ id: ME.userId, role: 'supervisor' });
    cache().applyChanges(log.changes);
    expect(
      cache()
        .search('cheap', 10)
        .map((hit) => hit.messageId),
    ).toEqual(['m4']);
    expect(
      cache()
        .search('mallory', 10)
        .map((hit) => hit.contactId),
    ).toEqual(['contact-3']);
  });

  it('keeps to the limit, newest first across messages and contacts', () => {
    seed('supervisor');
    expect(
      cache()
        .search('555', 2)
        .map((hit) => hit.contactId),
    ).toEqual(['contact-1', 'contact-2']);
    expect(
      cache()
        .search('appointment', 2)
        .map((hit) => hit.messageId),
    ).toEqual(['m4', 'm3']);
    const log = new ChangeLog(cache().cursor() + 1);
    log.contact({ id: 'contact-4', name: 'Appointments Desk', updatedAt: minute(2) });
    cache().applyChanges(log.changes);
    expect(
      cache()
        .search('appoint', 10)
        .map((hit) => [hit.kind, hit.at]),
    ).toEqual([
      ['message', minute(4)],
      ['message', minute(3)],
      ['contact', minute(2)],
      ['message', minute(1)],
    ]);
  });

  it('waits for a second letter of the last word in messages', () => {
    seed('agent');
    expect(
      cache()
        .search('appointment t', 10)
        .map((hit) => hit.messageId),
    ).toEqual(['m3', 'm1']);
    expect(cache().search('appointment th', 10).flatMap(marked)).toEqual([
      'appointment',
      'th',
      'appointment',
      'th',
    ]);
  });

  it('answers hostile input with plain results, never an error', () => {
    seed('supervisor');
    const hostile = [
      '',
      '   ',
      '"',
      '""',
      "'",
      '*',
      '-',
      '-appointment',
      'NOT appointment',
      'appointment OR',
      'AND',
      '(',
      ')',
      '((appointment',
      'appointment)',
      'body:appointment',
      '{body}: x',
      'NEAR(a b)',
      '^appointment',
      'appoint*',
      '"appointment',
      '\u0000',
      '%',
      '_',
      "'; DROP TABLE messages; --",
      '🙂',
      '+',
      '1',
      'x'.repeat(10_000),
      'a '.repeat(1000),
    ];
    for (const query of hostile) {
      const hits = cache().search(query, 20);
      for (const hit of hits) SearchHitSchema.parse(hit);
    }
    const all = ['m4', 'm3', 'm1'];
    expect(
      cache()
        .search('"appointment', 10)
        .map((hit) => hit.messageId),
    ).toEqual(all);
    expect(
      cache()
        .search('-appointment', 10)
        .map((hit) => hit.messageId),
    ).toEqual(all);
    expect(
      cache()
        .search('NOT appointment', 10)
        .map((hit) => hit.messageId),
    ).toEqual([]);
    expect(cache().search('', 10)).toEqual([]);
    expect(cache().search('*', 10)).toEqual([]);
  });

  it('takes any string at all', () => {
    seed('supervisor');
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 40 }),
        fc.integer({ min: -5, max: 300 }),
        (query, limit) => {
          const hits = cache().search(query, limit);
          for (const hit of hits) {
            SearchHitSchema.parse(hit);
            for (const [start, end] of hit.highlights) {
              expect(0 <= start && start <= end && end <= hit.snippet.length).toBe(true);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('search text', () => {
  it('indexes every suffix of a number’s digits', () => {
    expect(contactSearchText({ name: 'Ann', phone: '+1 (415) 555-01' })).toEqual({
      name: 'Ann',
      number: '141555501 41555501 1555501 555501 55501 5501 501',
    });
  });

  it('reads only words from a query, and digits from a number', () => {
    expect(parseQuery('"Café" OR (x*')).toEqual({ words: ['cafe', 'or', 'x'], digits: null });
    expect(parseQuery('(415) 555-0123')).toEqual({
      words: ['415', '555', '0123'],
      digits: '4155550123',
    });
    expect(parseQuery('41')).toEqual({ words: ['41'], digits: null });
  });

  it('folds text and remembers where each character came from', () => {
    expect(fold('Ça İs')).toEqual({ folded: 'ca is', origin: [0, 1, 2, 3, 4, 5] });
    expect(fold('ßé🙂')).toEqual({ folded: 'ße🙂', origin: [0, 1, 2, 2, 4] });
  });

  it('cuts long text around the first highlight, on word boundaries, with ellipses', () => {
    const text = `${'lorem ipsum '.repeat(20)}target ${'dolor sit '.repeat(20)}`;
    const start = text.indexOf('target');
    const cut = snippet(text, [[start, start + 6]]);
    expect(cut.snippet.startsWith('…')).toBe(true);
    expect(cut.snippet.endsWith('…')).toBe(true);
    expect(cut.snippet.length).toBeLessThanOrEqual(122);
    const [range] = cut.highlights;
    expect(range && cut.snippet.slice(range[0], range[1])).toBe('target');
  });

  it('puts text on one line and never splits a character in two', () => {
    expect(snippet('a\nb\tc', []).snippet).toBe('a b c');
    const text = '🙂'.repeat(100);
    const cut = snippet(text, [[101, 103]]);
    expect(cut.snippet.replace(/🙂|…/gu, '')).toBe('');
  });
});
