import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { csvField, csvNumber, neutralise, writeTable } from '../table-writer.js';
import { LABELS, localDateTime } from '../complaint-export.js';
import { ANALYSIS_LABELS } from '../analysis-export.labels.js';

describe('neutralise', () => {
  it('prefixes what a spreadsheet would run as a formula, and nothing else', () => {
    for (const text of ['=1+1', '+7 916', '-5%', '@SUM(A1)', '\tx', '\rx', '=HYPERLINK("http://x","y")'])
      expect(neutralise(text)).toBe(`'${text}`);
    for (const text of ['', 'plain', 'a=b', "'quoted", ' =spaced', 'Треснула']) expect(neutralise(text)).toBe(text);
  });
});

describe('csvField', () => {
  it('quotes as RFC 4180 asks, after neutralising', () => {
    expect(csvField('a;b', ';')).toBe('"a;b"');
    expect(csvField('a;b', ',')).toBe('a;b');
    expect(csvField('say "hi"', ',')).toBe('"say ""hi"""');
    expect(csvField('two\nlines', ',')).toBe('"two\nlines"');
    expect(csvField('=1,2', ',')).toBe('"\'=1,2"');
  });
});

describe('csvNumber', () => {
  it('writes a decimal comma where the separator is ; (Russian Excel), a point otherwise', () => {
    expect(csvNumber(0.4286, ';')).toBe('0,4286');
    expect(csvNumber(0.4286, ',')).toBe('0.4286');
    expect(csvNumber(12, ';')).toBe('12');
    expect(csvNumber(Number.NaN, ',')).toBe('');
  });
});

describe('writeTable', () => {
  it('writes a BOM, the headers and CRLF lines; empty cells for nulls', async () => {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    async function* batches() {
      yield [{ a: 'x', b: null }];
      yield [{ a: '=y', b: 'z;' }];
    }
    await writeTable(out, {
      format: 'csv',
      separator: ';',
      batches: batches(),
      columns: [
        { header: 'A', value: (r: { a: string; b: string | null }) => r.a },
        { header: 'B', value: (r) => r.b },
      ],
    });
    expect(Buffer.concat(chunks).toString('utf8')).toBe('\uFEFFA;B\r\nx;\r\n\'=y;"z;"\r\n');
  });
});

describe('localDateTime', () => {
  it('gives the wall clock of the zone, across daylight-saving changes and in zones off the hour', () => {
    const intl = (at: Date, timeZone: string) => {
      const p = Object.fromEntries(
        new Intl.DateTimeFormat('en-GB', {
          timeZone,
          year: 'numeric',
          month: '2-digit',
          day: '2-digit',
          hour: '2-digit',
          minute: '2-digit',
          hourCycle: 'h23',
        })
          .formatToParts(at)
          .map((x) => [x.type, x.value]),
      );
      return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
    };
    const starts = [
      Date.UTC(2026, 2, 29, 0),
      Date.UTC(2026, 9, 25, 0),
      Date.UTC(2026, 2, 8, 4),
      Date.UTC(2026, 10, 1, 4),
      Date.UTC(2026, 3, 4, 14),
    ];
    for (const timeZone of ['Europe/Moscow', 'Europe/London', 'America/St_Johns', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'UTC']) {
      for (const start of starts) {
        for (let minutes = 0; minutes < 6 * 60; minutes += 7) {
          const at = new Date(start + minutes * 60_000 + 123);
          expect(localDateTime(at, timeZone), `${timeZone} ${at.toISOString()}`).toBe(intl(at, timeZone));
        }
      }
    }
    expect(localDateTime(null, 'UTC')).toBeNull();
    expect(localDateTime(new Date(Number.NaN), 'UTC')).toBeNull();
  });
});

describe('LABELS', () => {
  it("are the words the console's list shows", async () => {
    for (const lang of ['en', 'ru'] as const) {
      const path = fileURLToPath(new URL(`../../../../../console/src/i18n/${lang}.ts`, import.meta.url));
      const console = (await import(/* @vite-ignore */ path))[lang];
      const l = LABELS[lang];
      const { receivedAt, ...listColumns } = l.columns;
      for (const [key, label] of Object.entries(listColumns)) expect(label, key).toBe(console.list[key]);
      expect(receivedAt).toBe(console.complaint.receivedAt);
      expect(l.stage).toEqual(console.stage);
      expect(l.priority).toEqual(console.priority);
      expect(l.channel).toEqual(console.channel);
    }
  });
});

describe('ANALYSIS_LABELS', () => {
  it("are the words of the console's Analysis page, cause groups and clocks", async () => {
    const pagePath = fileURLToPath(new URL('../../../../../console/src/pages/analysis/analysis-i18n.ts', import.meta.url));
    const page = await import(/* @vite-ignore */ pagePath);
    for (const lang of ['en', 'ru'] as const) {
      const console = (
        await import(/* @vite-ignore */ fileURLToPath(new URL(`../../../../../console/src/i18n/${lang}.ts`, import.meta.url)))
      )[lang];
      const words = page[lang];
      const l = ANALYSIS_LABELS[lang];
      const { hours: _unit, code: _code, total: _total, noDepartment, ...shared } = l.words;
      for (const [key, label] of Object.entries(shared)) expect(label, key).toBe(words[key]);
      expect(noDepartment).toBe(console.complaint.noDepartment);
      expect(l.titles).toEqual({
        funnel: words.funnel,
        pareto: words.pareto,
        'cause-effect': words.fishbone,
        'sla-compliance': words.sla,
        'stage-durations': words.durations,
        'satisfaction-trend': words.satisfaction,
        'legal-compliance': words.legal,
        repeats: words.repeats,
        'survey-responses': words.surveyResponses,
        'survey-scores': words.surveyScores,
      });
      expect(l.surveyBy).toEqual(words.surveyBy);
      expect(l.scale).toEqual(words.scaleName);
      expect(l.parameter).toEqual(console.surveys.parameterName);
      expect(l.dimension).toEqual(words.dimension);
      expect(l.measure).toEqual(words.measure);
      expect(l.repeatBy).toEqual(words.repeatBy);
      expect(l.causeGroup).toEqual(console.causeGroup);
      for (const [clock, label] of Object.entries(l.clock)) expect(label, clock).toBe(console.slaPanel[clock]);
    }
  });
});
