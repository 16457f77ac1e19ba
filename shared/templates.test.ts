import { describe, expect, test } from 'vitest';
import { DEFAULT_TEMPLATES, fillTemplate, type TemplateValues } from './templates';

const ADA: TemplateValues = {
  contactName: 'Ada Lovelace',
  businessName: 'Acme Dental',
  agentName: 'Dana',
};
const NAMELESS: TemplateValues = { ...ADA, contactName: '' };

describe('fillTemplate', () => {
  test('fills every merge field', () => {
    expect(
      fillTemplate(
        'Hi {{first_name}} ({{name}}), this is {{agent_name}} from {{business_name}}.',
        ADA,
      ),
    ).toBe('Hi Ada (Ada Lovelace), this is Dana from Acme Dental.');
  });

  test('reads fields with spaces inside the braces and in any case', () => {
    expect(fillTemplate('Hello {{ first_name }} / {{First_Name}}', ADA)).toBe('Hello Ada / Ada');
  });

  test('the first name is the first word of the name, trimmed', () => {
    expect(fillTemplate('Hi {{first_name}}!', { ...ADA, contactName: '  Grace  Hopper ' })).toBe(
      'Hi Grace!',
    );
    expect(fillTemplate('{{name}}', { ...ADA, contactName: '  Grace   Hopper ' })).toBe(
      'Grace Hopper',
    );
  });

  test('a missing first name leaves no dangling comma or double space', () => {
    expect(fillTemplate('Thanks, {{first_name}}!', NAMELESS)).toBe('Thanks!');
    expect(fillTemplate('Thanks, {{first_name}}. See you soon', NAMELESS)).toBe(
      'Thanks. See you soon',
    );
    expect(fillTemplate('Thanks, {{first_name}}', NAMELESS)).toBe('Thanks');
    expect(fillTemplate('Hi {{first_name}}, how are you?', NAMELESS)).toBe('Hi, how are you?');
    expect(fillTemplate('Hello, {{first_name}}, how are you?', NAMELESS)).toBe(
      'Hello, how are you?',
    );
    expect(fillTemplate('Hi {{first_name}} there', NAMELESS)).toBe('Hi there');
    expect(fillTemplate('{{first_name}}, your order is ready.', NAMELESS)).toBe(
      'your order is ready.',
    );
    expect(fillTemplate('Line one.\n{{first_name}}, line two.', NAMELESS)).toBe(
      'Line one.\nline two.',
    );
  });

  test('no result of a default template holds a double space or a space before punctuation', () => {
    for (const values of [ADA, NAMELESS, { contactName: '', businessName: '', agentName: '' }]) {
      for (const template of DEFAULT_TEMPLATES) {
        const text = fillTemplate(template.body, values);
        expect(text).not.toMatch(/ {2}| [,.!?]|, [!.?]|\{\{/u);
        expect(text).toBe(text.trim());
      }
    }
    expect(fillTemplate(DEFAULT_TEMPLATES[0]?.body ?? '', NAMELESS)).toMatch(/^Thanks! /u);
  });

  test('unknown fields are left exactly as typed, so the agent sees them', () => {
    expect(fillTemplate('Hi {{firstname}}, opt out: {{optout_link}} {{ x }}', ADA)).toBe(
      'Hi {{firstname}}, opt out: {{optout_link}} {{ x }}',
    );
    expect(fillTemplate('{{first_name', ADA)).toBe('{{first_name');
    expect(fillTemplate('{first_name}', ADA)).toBe('{first_name}');
  });

  test('values are plain text: markup in a name is neither run nor escaped', () => {
    expect(fillTemplate('Hi {{name}}', { ...ADA, contactName: '<b>Ann</b> & co' })).toBe(
      'Hi <b>Ann</b> & co',
    );
    // A value that looks like a field is not filled again.
    expect(fillTemplate('Hi {{name}}', { ...ADA, contactName: '{{agent_name}}' })).toBe(
      'Hi {{agent_name}}',
    );
  });

  test('a text without fields comes back unchanged', () => {
    expect(fillTemplate('  Plain text, kept as is.  ', ADA)).toBe('  Plain text, kept as is.  ');
    expect(fillTemplate('', ADA)).toBe('');
  });
});
