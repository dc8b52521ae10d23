import { describe, expect, it } from 'vitest';
import { PLACEHOLDERS, parseTemplate, renderTemplate, templateProblems, type PlaceholderValues } from '../placeholders.js';
import { formatTemplateDate } from '../template.service.js';

const VALUES: PlaceholderValues = {
  number: 'ACME-2026-000042', subject: 'Kettle leaks', 'customer.name': 'Daria', stage: 'Under investigation',
  expectedBy: '5 December 2026', 'agent.name': 'Sam', 'company.name': 'Acme', 'department.name': 'Service',
};

describe('response template placeholders', () => {
  it('renders every known placeholder, with or without inner spaces, and leaves the rest as written', () => {
    const body = PLACEHOLDERS.map((p) => `${p}={{${p}}}`).join('\n');
    expect(renderTemplate(body, VALUES)).toBe(PLACEHOLDERS.map((p) => `${p}=${VALUES[p]}`).join('\n'));
    expect(renderTemplate('Dear {{ customer.name }}, re {{number}}{{number}}.', VALUES)).toBe('Dear Daria, re ACME-2026-000042ACME-2026-000042.');
    expect(renderTemplate('Braces { } and }} alone stay; so does a {single}.', VALUES)).toBe('Braces { } and }} alone stay; so does a {single}.');
    expect(renderTemplate('', VALUES)).toBe('');
  });

  it('does not render a value as a placeholder again', () => {
    expect(renderTemplate('{{subject}}', { ...VALUES, subject: '{{number}}' })).toBe('{{number}}');
  });

  it('names each unknown placeholder', () => {
    expect(templateProblems('Hi {{customer.phone}} and {{Number}} and {{}}')).toEqual([
      'unknown placeholder {{customer.phone}}', 'unknown placeholder {{Number}}', 'unknown placeholder {{}}',
    ]);
  });

  it('refuses an opening {{ that is not closed, or closed only after another {{', () => {
    expect(templateProblems('Your number: {{number')).toEqual(['"{{number" opens a placeholder that is not closed with }}']);
    expect(templateProblems('{{ {{number}}')).toEqual(['"{{ " opens a placeholder that is not closed with }}']);
    expect(templateProblems('end {{')).toEqual(['"{{" opens a placeholder that is not closed with }}']);
    expect(templateProblems('{{number}} and {{stage}}')).toEqual([]);
  });

  it('splits a body into text and placeholders', () => {
    expect(parseTemplate('A {{stage}} B').parts).toEqual([{ text: 'A ' }, { placeholder: 'stage' }, { text: ' B' }]);
  });

  it('writes dates as the company\'s language does, on its calendar day', () => {
    const at = new Date('2026-12-04T22:30:00Z'); // already 5 December in Moscow, still the 4th in London
    expect(formatTemplateDate(at, 'ru', 'Europe/Moscow')).toBe('5 декабря 2026 г.');
    expect(formatTemplateDate(at, 'en', 'Europe/London')).toBe('4 December 2026');
    expect(formatTemplateDate(null, 'en', 'Europe/London')).toBe('');
  });
});
