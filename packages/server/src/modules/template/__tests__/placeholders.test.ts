import { describe, expect, it } from 'vitest';
import { PLACEHOLDERS, parseTemplate, renderTemplate, templateProblems, type PlaceholderValues } from '../placeholders.js';
import { formatTemplateDate } from '../template.service.js';

const VALUES: PlaceholderValues = {
  number: 'ACME-2026-000042',
  subject: 'Kettle leaks',
  'customer.name': 'Daria',
  stage: 'Under investigation',
  expectedBy: '5 December 2026',
  'agent.name': 'Sam',
  'company.name': 'Acme',
  'department.name': 'Service',
};

describe('response template placeholders', () => {
  it('renders every known placeholder, with or without inner spaces, and leaves the rest as written', () => {
    const body = PLACEHOLDERS.map((p) => `${p}={{${p}}}`).join('\n');
    expect(renderTemplate(body, VALUES)).toBe(PLACEHOLDERS.map((p) => `${p}=${VALUES[p]}`).join('\n'));
    expect(renderTemplate('Dear {{ customer.name }}, re {{number}}{{number}}.', VALUES)).toBe(
      'Dear Daria, re ACME-2026-000042ACME-2026-000042.',
    );
    expect(renderTemplate('Braces { } and }} alone stay; so does a {single}.', VALUES)).toBe(
      'Braces { } and }} alone stay; so does a {single}.',
    );
    expect(renderTemplate('', VALUES)).toBe('');
  });

  it('does not render a value as a placeholder again', () => {
    expect(renderTemplate('{{subject}}', { ...VALUES, subject: '{{number}}' })).toBe('{{number}}');
  });

  it('names each unknown placeholder', () => {
    expect(templateProblems('Hi {{customer.phone}} and {{Number}} and {{}}')).toEqual([
      'unknown placeholder {{customer.phone}}',
      'unknown placeholder {{Number}}',
      'unknown placeholder {{}}',
    ]);
  });

  it('refuses an opening {{ that is not closed, or closed only after another {{', () => {
    expect(templateProblems('Your number: {{number')).toEqual(['"{{number" opens a placeholder that is not closed with }}']);
    expect(templateProblems('{{ {{number}}')).toEqual(['"{{ " opens a placeholder that is not closed with }}']);
    expect(templateProblems('end {{')).toEqual(['"{{" opens a placeholder that is not closed with }}']);
    expect(templateProblems('{{number}} and {{stage}}')).toEqual([]);
  });

  it('a date that ends with "г." ends the sentence with one period, not "г.."', () => {
    const ru = { ...VALUES, expectedBy: formatTemplateDate(new Date('2026-12-20T09:00:00Z'), 'ru', 'Europe/Moscow') };
    expect(ru.expectedBy).toBe('20 декабря 2026 г.');
    expect(renderTemplate('Ответим не позднее {{expectedBy}}.', ru)).toBe('Ответим не позднее 20 декабря 2026 г.');
    expect(renderTemplate('Срок — {{expectedBy}}.\nС уважением', ru)).toBe('Срок — 20 декабря 2026 г.\nС уважением');
    // Only a period right after such a value goes; other text, and a value without a period, stay as written.
    expect(renderTemplate('до {{expectedBy}}, затем {{expectedBy}}!', ru)).toBe('до 20 декабря 2026 г., затем 20 декабря 2026 г.!');
    expect(renderTemplate('We answer by {{expectedBy}}.', VALUES)).toBe('We answer by 5 December 2026.');
    expect(renderTemplate('г.. {{number}}.', VALUES)).toBe('г.. ACME-2026-000042.');
    expect(renderTemplate('{{expectedBy}}...', ru)).toBe('20 декабря 2026 г...');
  });

  it('splits a body into text and placeholders', () => {
    expect(parseTemplate('A {{stage}} B').parts).toEqual([{ text: 'A ' }, { placeholder: 'stage' }, { text: ' B' }]);
  });

  it("writes dates as the company's language does, on its calendar day", () => {
    const at = new Date('2026-12-04T22:30:00Z'); // already 5 December in Moscow, still the 4th in London
    expect(formatTemplateDate(at, 'ru', 'Europe/Moscow')).toBe('5 декабря 2026 г.');
    expect(formatTemplateDate(at, 'en', 'Europe/London')).toBe('4 December 2026');
    expect(formatTemplateDate(null, 'en', 'Europe/London')).toBe('');
  });
});
