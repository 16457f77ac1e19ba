import { describe, expect, test } from 'vitest';
import { csvCell, slug, toCsv } from './csv';

describe('CSV', () => {
  test('cells a spreadsheet would run as a formula are shown as text', () => {
    expect(csvCell('=HYPERLINK("http://evil.example","click")')).toBe(
      `"'=HYPERLINK(""http://evil.example"",""click"")"`,
    );
    expect(csvCell('+12015550123')).toBe("'+12015550123");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tcmd')).toBe("'\tcmd");
    expect(csvCell('\rcmd')).toBe(`"'\rcmd"`);
    // Only the first character counts.
    expect(csvCell('Ann = Lee')).toBe('Ann = Lee');
    expect(csvCell('')).toBe('');
  });

  test('RFC 4180: commas, quotes and line breaks are quoted, quotes doubled, lines end in CRLF', () => {
    expect(csvCell('Lee, Ann')).toBe('"Lee, Ann"');
    expect(csvCell('the "boss"')).toBe('"the ""boss"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(
      toCsv(
        ['phone', 'name'],
        [
          ['+12015550123', 'Ann'],
          ['+12015550124', ''],
        ],
      ),
    ).toBe("phone,name\r\n'+12015550123,Ann\r\n'+12015550124,\r\n");
  });

  test('file names', () => {
    expect(slug('Walk-in Patients')).toBe('walk-in-patients');
    expect(slug('Café Crème — VIP!')).toBe('cafe-creme-vip');
    expect(slug('顧客')).toBe('list');
    expect(slug('a'.repeat(80))).toHaveLength(60);
  });
});
