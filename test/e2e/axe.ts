import axe from 'axe-core';
import type { Page } from 'playwright-core';

/** The WCAG 2.1 A and AA rules: what the console and the portal promise. */
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const BLOCKING = new Set(['critical', 'serious']);

export interface Violation {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core on the page once its transitions and animations have ended, those that start meanwhile too
 * (up to 5 s; endless ones, a spinner's, are not waited for), and returns its critical and serious WCAG 2.1 AA
 * violations (moderate and minor ones are not reported). Halfway through a toast's fade-in its text is too
 * faint, which is not what a reader sees.
 */
export async function violations(page: Page): Promise<Violation[]> {
  await page.evaluate(async () => {
    const deadline = performance.now() + 5_000;
    // A transition asked for in this frame starts in the next: look after two.
    const frames = () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    const moving = () =>
      document.getAnimations().filter((a) => a.playState === 'running' && a.effect?.getComputedTiming().iterations !== Infinity);
    for (await frames(); moving().length > 0 && performance.now() < deadline; await frames()) {
      const left = deadline - performance.now();
      await Promise.race([Promise.allSettled(moving().map((a) => a.finished)), new Promise((resolve) => setTimeout(resolve, left))]);
    }
  });
  // Evaluated, not added as a <script>: the pages' Content-Security-Policy forbids inline scripts (rightly).
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axe.source);
  const found = await page.evaluate(async (tags) => {
    const run = await (window as unknown as { axe: typeof axe }).axe.run(document, { runOnly: { type: 'tag', values: tags } });
    return run.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? '',
      help: v.help,
      targets: v.nodes.map((n) => n.target.map(String).join(' ')),
    }));
  }, TAGS);
  return found.filter((v) => BLOCKING.has(v.impact));
}

/** One line per rule: impact, rule id, what it asks, and the elements (the first eight) that break it. */
export function describe(found: Violation[]): string {
  return found
    .map((v) => {
      const more = v.targets.length > 8 ? ` … and ${v.targets.length - 8} more` : '';
      return `${v.impact} ${v.id} (${v.targets.length}): ${v.help}\n    ${v.targets.slice(0, 8).join('\n    ')}${more}`;
    })
    .join('\n');
}

/** How many elements break each rule, by impact: the figure a report quotes. */
export function count(found: Violation[]): { critical: number; serious: number } {
  const sum = (impact: string) => found.filter((v) => v.impact === impact).reduce((n, v) => n + v.targets.length, 0);
  return { critical: sum('critical'), serious: sum('serious') };
}
