import { describe, expect, it } from 'vitest';
import { parseVcard } from './vcard';

describe('reading a contact card a customer sent', () => {
  it('reads an iPhone card: FN, grouped TEL with Apple labels, EMAIL', () => {
    const card = [
      'BEGIN:VCARD',
      'VERSION:3.0',
      'N:Okafor;Ada;;;',
      'FN:Ada Okafor',
      'item1.TEL;type=pref:+1 (201) 555-0188',
      'item1.X-ABLabel:_$!<Mobile>!$_',
      'EMAIL;type=INTERNET:ada@example.com',
      'END:VCARD',
    ].join('\r\n');
    expect(parseVcard(card)).toEqual({
      name: 'Ada Okafor',
      phones: ['+1 (201) 555-0188'],
      emails: ['ada@example.com'],
    });
  });

  it('puts the name together from N when there is no FN, and reads 4.0 tel: URIs', () => {
    const card =
      'BEGIN:VCARD\nVERSION:4.0\nN:Nguyen;Linh;Thi;Dr.;\nTEL;VALUE=uri;TYPE="cell,voice":tel:+12015550199\nEND:VCARD\n';
    expect(parseVcard(card)).toEqual({
      name: 'Dr. Linh Thi Nguyen',
      phones: ['+12015550199'],
      emails: [],
    });
  });

  it('unfolds long lines, unescapes values and reads the first card only', () => {
    const card = [
      'BEGIN:VCARD',
      'FN:Smith\\, Jo',
      '  and Sam',
      'TEL:555-0100',
      'END:VCARD',
      'BEGIN:VCARD',
      'FN:Someone else',
      'END:VCARD',
    ].join('\n');
    expect(parseVcard(card)).toEqual({
      name: 'Smith, Jo and Sam',
      phones: ['555-0100'],
      emails: [],
    });
  });

  it('decodes vCard 2.1 quoted-printable names as UTF-8, soft line breaks too', () => {
    const card = [
      'BEGIN:VCARD',
      'VERSION:2.1',
      'FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Ren=C3=A9e Fran=',
      '=C3=A7ois',
      'TEL;CELL:+442079460000',
      'END:VCARD',
    ].join('\r\n');
    expect(parseVcard(card)?.name).toBe('Renée François');
  });

  it('keeps markup as plain text, and says null for text that is no card', () => {
    const card = 'BEGIN:VCARD\nFN:<img src=x onerror=alert(1)>\nEND:VCARD';
    expect(parseVcard(card)?.name).toBe('<img src=x onerror=alert(1)>');
    expect(parseVcard('<html><body>hello</body></html>')).toBeNull();
    expect(parseVcard('')).toBeNull();
  });

  it('still says who a card cut short is, and an empty name when it has none', () => {
    expect(parseVcard('BEGIN:VCARD\nTEL:+12015550123')).toEqual({
      name: '',
      phones: ['+12015550123'],
      emails: [],
    });
  });
});
