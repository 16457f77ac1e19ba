import { describe, expect, it } from 'vitest';
import { openContactsFile, peopleOf } from './contactsFile';
import { guessColumns, labelOfTitle, looksLikeHeader } from './csvColumns';
import { decodeText, detectEncoding } from './encoding';
import { planImport } from './importPlan';
import { choosePhone, kindOfLabel } from './people';

const utf8 = (text: string) => new TextEncoder().encode(text);
/** Text as Windows-1252 bytes (every character here is in Latin-1). */
const cp1252 = (text: string) => Uint8Array.from(Array.from(text, (char) => char.charCodeAt(0)));

function plan(text: string | Uint8Array, name: string, country: 'US' | 'GB' = 'US') {
  const file = openContactsFile(typeof text === 'string' ? utf8(text) : text, name);
  const { people, problems } = peopleOf(file);
  return { file, ...planImport(people, problems, country) };
}

describe('columns', () => {
  it('reads Google’s current header: the label columns are labels, the value columns numbers', () => {
    expect(
      guessColumns(
        [
          'First Name',
          'Middle Name',
          'Last Name',
          'Organization Name',
          'Labels',
          'E-mail 1 - Label',
          'E-mail 1 - Value',
          'Phone 1 - Label',
          'Phone 1 - Value',
          'Phone 2 - Label',
          'Phone 2 - Value',
        ],
        [],
      ),
    ).toEqual([
      'firstName',
      'middleName',
      'lastName',
      'company',
      'ignore',
      'ignore',
      'ignore',
      'phoneLabel',
      'phone',
      'phoneLabel',
      'phone',
    ]);
  });

  it('reads Outlook’s: every phone column a number, names in parts, titles and e-mail names ignored', () => {
    expect(
      guessColumns(
        [
          'Title',
          'First Name',
          'Middle Name',
          'Last Name',
          'Suffix',
          'Company',
          'Business Fax',
          'Business Phone',
          'Home Phone',
          'Mobile Phone',
          'Assistant’s Phone',
          'E-mail Display Name',
          'Categories',
        ],
        [],
      ),
    ).toEqual([
      'ignore',
      'firstName',
      'middleName',
      'lastName',
      'ignore',
      'company',
      'phone',
      'phone',
      'phone',
      'phone',
      'ignore',
      'ignore',
      'ignore',
    ]);
  });

  it('reads other tools’ exports and plain sheets as before', () => {
    expect(
      guessColumns(
        ['Full name', 'Mobile', 'Tags', 'SMS consent', 'Notes', 'Opt-in date'],
        [['Ada', '+1 201 555 0101', 'VIP', 'yes', '', '2024-01-02']],
      ),
    ).toEqual(['name', 'phone', 'lists', 'optedIn', 'ignore', 'ignore']);
    expect(guessColumns(['', ''], [['Ada', '(201) 555-0101']])).toEqual(['ignore', 'phone']);
    expect(guessColumns(['phone_number', 'first_name', 'unsubscribed'], [])).toEqual([
      'phone',
      'firstName',
      'optedOut',
    ]);
    expect(looksLikeHeader(['Name', 'Phone'])).toBe(true);
    expect(looksLikeHeader(['Ada', '+12015550101'])).toBe(false);
    expect(looksLikeHeader(['Phone name', '2015550101'])).toBe(false);
  });

  it('gives a phone column the label its title names', () => {
    expect(labelOfTitle('Mobile Phone')).toEqual({ label: 'Mobile', kind: 'mobile' });
    expect(labelOfTitle('Home Phone 2')).toEqual({ label: 'Home', kind: 'home' });
    expect(labelOfTitle('Business Fax')).toEqual({ label: 'Business Fax', kind: 'fax' });
    expect(labelOfTitle('Phone 1 - Value')).toEqual({ label: '', kind: 'other' });
    expect(labelOfTitle('Phone Number')).toEqual({ label: '', kind: 'other' });
    expect(kindOfLabel('_$!<Mobile>!$_')).toBe('mobile');
    expect(kindOfLabel('* Mobile')).toBe('mobile');
    expect(kindOfLabel('HomeFAX')).toBe('fax');
    expect(kindOfLabel('Boat')).toBe('custom');
  });
});

describe('which number', () => {
  const person = (phones: [string, string][]) => ({
    line: 2,
    name: 'Ada',
    phones: phones.map(([value, label]) => ({
      value,
      label,
      kind: kindOfLabel(label),
      preferred: false,
    })),
  });

  it('prefers the number labelled mobile, then a mobile by its number, then the first valid', () => {
    expect(
      choosePhone(
        person([
          ['(201) 555-0102', 'Home'],
          ['(201) 555-0101', 'Mobile'],
        ]),
        'US',
      ),
    ).toMatchObject({ ok: true, phone: '+12015550101', why: 'labelled-mobile' });
    // In the UK, libphonenumber tells a mobile (07…) from a landline (020…).
    expect(
      choosePhone(
        person([
          ['020 7946 0018', 'Work'],
          ['07911 123456', 'Other'],
        ]),
        'GB',
      ),
    ).toMatchObject({ ok: true, phone: '+447911123456', why: 'mobile-type' });
    expect(
      choosePhone(
        person([
          ['not a number', 'Mobile'],
          ['(201) 555-0102', 'Home'],
        ]),
        'US',
      ),
    ).toMatchObject({ ok: true, phone: '+12015550102', why: 'first-valid' });
  });

  it('never chooses a fax or a pager, and says why a person is left out', () => {
    expect(choosePhone(person([['(201) 555-0109', 'Work fax']]), 'US')).toMatchObject({
      ok: false,
      reason: 'only-fax-or-pager',
    });
    expect(choosePhone(person([]), 'US')).toMatchObject({ ok: false, reason: 'no-number' });
    expect(choosePhone(person([['12', 'Mobile']]), 'US')).toMatchObject({
      ok: false,
      reason: 'invalid-number',
    });
  });
});

describe('CSV files', () => {
  it('imports a Google export: labels paired with numbers, several numbers in one cell, whole names', () => {
    const { rows, skipped, file } = plan(
      [
        'First Name,Middle Name,Last Name,Organization Name,Labels,Phone 1 - Label,Phone 1 - Value,Phone 2 - Label,Phone 2 - Value',
        'Ada,King,Lovelace,,* myContacts,Home,(201) 555-0102,Mobile,(201) 555-0101',
        'José,,Núñez,,* myContacts,Work,+1 201-555-0103 ::: +1 201-555-0104,,',
        ',,,Acme Plumbing,* myContacts,Mobile,201-555-0105,,',
        'Nobody,,Here,,* myContacts,,,,',
      ].join('\n'),
      'contacts.csv',
    );
    expect(file.format === 'csv' && file.source).toBe('google');
    expect(rows.map((row) => [row.line, row.name, row.phone, row.label, row.why])).toEqual([
      [2, 'Ada King Lovelace', '+12015550101', 'Mobile', 'labelled-mobile'],
      [3, 'José Núñez', '+12015550103', 'Work', 'first-valid'],
      [4, 'Acme Plumbing', '+12015550105', 'Mobile', 'labelled-mobile'],
    ]);
    expect(skipped).toEqual([{ line: 5, reason: 'no-number', message: 'No phone number.' }]);
  });

  it('reads Windows-1252 and a UTF-8 BOM without garbling, with CRLF and quoted line breaks', () => {
    const text =
      '"First Name","Last Name","Home Phone","Mobile Phone","Notes"\r\n' +
      '"Renée","Müller","(201) 555-0102","(201) 555-0101","Likes\r\ncalls"\r\n' +
      '"Zoë","Brontë","","(201) 555-0103",""\r\n';
    const legacy = plan(cp1252(text), 'outlook.csv');
    expect(legacy.file.encoding).toBe('windows-1252');
    expect(legacy.rows.map((row) => [row.line, row.name, row.phone])).toEqual([
      [2, 'Renée Müller', '+12015550101'],
      [4, 'Zoë Brontë', '+12015550103'],
    ]);
    const bom = plan(Uint8Array.from([0xef, 0xbb, 0xbf, ...utf8(text)]), 'outlook.csv');
    expect(bom.file.encoding).toBe('utf-8');
    expect(bom.rows.map((row) => row.name)).toEqual(['Renée Müller', 'Zoë Brontë']);
  });

  it('keeps the opted-in column, the list column and numbers in the default country', () => {
    const { rows, skipped } = plan(
      [
        'Name,Phone,Lists,Opted in',
        'Ada,07911 123456,VIP; Newsletter,Yes',
        'Bob,,,no',
        'Cy,07911 123457,,maybe',
        'Di,07911 123458,,unsubscribed',
        'Ada again,+44 7911 123456,Reminders,',
      ].join('\n'),
      'sheet.csv',
      'GB',
    );
    expect(rows.map((row) => [row.line, row.name, row.phone, row.lists, row.optedIn])).toEqual([
      [2, 'Ada', '+447911123456', ['VIP', 'Newsletter', 'Reminders'], true],
      [5, 'Di', '+447911123458', undefined, false],
    ]);
    expect(rows[0]?.merged).toEqual([6]);
    expect(skipped.map((skip) => [skip.line, skip.reason])).toEqual([
      [3, 'no-number'],
      [4, 'bad-cell'],
      [6, 'duplicate'],
    ]);
  });
});

describe('vCard files', () => {
  it('reads iPhone cards: several types, Apple’s labels, folded lines, many cards', () => {
    const { rows, skipped, file } = plan(
      [
        'BEGIN:VCARD',
        'VERSION:3.0',
        'PRODID:-//Apple Inc.//iPhone OS 17.5//EN',
        'N:Lovelace;Ada;King;;',
        'FN:Ada King',
        '  Lovelace',
        'TEL;type=HOME;type=VOICE:(201) 555-0102',
        'item1.TEL:(201) 555-0101',
        'item1.X-ABLabel:_$!<Mobile>!$_',
        'PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD',
        ' /2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL',
        'END:VCARD',
        'BEGIN:VCARD',
        'VERSION:3.0',
        'N:Núñez;José;;;',
        'FN:José Núñez',
        'TEL;type=WORK;type=FAX:(201) 555-0109',
        'END:VCARD',
        'BEGIN:VCARD',
        'VERSION:3.0',
        'N:Hopper;Grace;;;',
        'FN:Grace Hopper',
        'TEL;type=IPHONE;type=CELL;type=VOICE;type=pref:+1 201 555 0104',
        'TEL;type=CELL;type=VOICE:+1 201 555 0105',
        'END:VCARD',
      ].join('\r\n'),
      'contacts.vcf',
    );
    expect(file.format).toBe('vcard');
    expect(rows.map((row) => [row.line, row.name, row.phone, row.label])).toEqual([
      [1, 'Ada King Lovelace', '+12015550101', 'Mobile'],
      [19, 'Grace Hopper', '+12015550104', 'iPhone'],
    ]);
    expect(skipped.map((skip) => [skip.line, skip.reason])).toEqual([[13, 'only-fax-or-pager']]);
  });

  it('reads Android’s vCard 2.1: bare types, quoted-printable UTF-8 with soft line breaks', () => {
    const { rows } = plan(
      [
        'BEGIN:VCARD',
        'VERSION:2.1',
        'N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=4D=C3=BC=6C=6C=65=72;J=C3=BC=72=67=65=6E;;;',
        'FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:J=C3=BC=72=67=65=6E=20=4D=C3=BC=6C=6C=',
        '=65=72',
        'TEL;HOME:030 1234567',
        'TEL;CELL;PREF:+49 1512 3456789',
        'TEL;CELL:+49 1512 3456780',
        'END:VCARD',
      ].join('\r\n'),
      'Contacts.vcf',
    );
    expect(rows.map((row) => [row.name, row.phone, row.label, row.why])).toEqual([
      ['Jürgen Müller', '+4915123456789', 'Mobile', 'labelled-mobile'],
    ]);
  });

  it('reads vCard 4.0 numbers written as tel: URIs, and names a card by N when it has no FN', () => {
    const { rows } = plan(
      [
        'BEGIN:VCARD',
        'VERSION:4.0',
        'N:Curie;Marie;;;',
        'TEL;VALUE=uri;TYPE=work:tel:+1-201-555-0106',
        'TEL;VALUE=uri;TYPE="cell,voice";PREF=1:tel:+1-201-555-0107',
        'END:VCARD',
      ].join('\n'),
      'card.vcard',
    );
    expect(rows.map((row) => [row.name, row.phone, row.label])).toEqual([
      ['Marie Curie', '+12015550107', 'Mobile'],
    ]);
  });

  it('reports a broken card by its line and reads the rest', () => {
    const { rows, skipped } = plan(
      [
        'BEGIN:VCARD',
        'VERSION:3.0',
        'FN:Ada',
        'TEL;TYPE=CELL:(201) 555-0101',
        'BEGIN:VCARD',
        'VERSION:3.0',
        'FN:Bob',
        'TEL;TYPE=CELL:(201) 555-0102',
        'END:VCARD',
      ].join('\n'),
      'x.vcf',
    );
    expect(rows.map((row) => row.name)).toEqual(['Bob']);
    expect(skipped.map((skip) => [skip.line, skip.reason])).toEqual([[1, 'unreadable']]);
  });
});

describe('encodings', () => {
  it('detects UTF-8, Windows-1252 and UTF-16 with a BOM', () => {
    expect(detectEncoding(utf8('Name\nRenée'))).toBe('utf-8');
    expect(detectEncoding(cp1252('Name,Phone\r\nRenée Müller,2015550101\r\n'))).toBe(
      'windows-1252',
    );
    const utf16 = Uint8Array.from([
      0xff,
      0xfe,
      ...Array.from('Zoë', (c) => [c.charCodeAt(0), 0]).flat(),
    ]);
    expect(decodeText(utf16)).toEqual({ text: 'Zoë', encoding: 'utf-16le' });
  });
});
