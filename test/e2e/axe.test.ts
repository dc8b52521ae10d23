import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launch, type ConsoleBrowser } from './console/browser.js';
import { violations } from './axe.js';

let chromium: ConsoleBrowser | undefined;
beforeAll(async () => {
  chromium = hasChromium ? await launch() : undefined;
});
afterAll(async () => {
  await chromium?.close();
});

/** A notice fading in, as the console's toasts do: legible once in, too faint while it comes. */
const FADING_IN = `<!doctype html><html lang="en"><head><title>Notice</title><style>
  .notice { color: #1a1a1a; background: #fff; transition: opacity 1200ms linear; }
  .notice.hidden { opacity: 0.05; }
</style></head><body><main><p class="notice hidden">Saved</p></main></body></html>`;

describe.skipIf(!hasChromium)('the accessibility check', () => {
  it('judges a page once its transitions have ended, not a notice halfway through fading in', async () => {
    const page = await chromium!.browser.newPage();
    try {
      await page.setContent(FADING_IN);
      await page.evaluate(() => {
        const notice = document.querySelector('.notice')!;
        void notice.getBoundingClientRect();
        notice.classList.remove('hidden');
      });
      expect(await violations(page)).toEqual([]);
      // A fade asked for in a frame still to come, as a framework's transition does it.
      await page.setContent(FADING_IN);
      await page.evaluate(() => requestAnimationFrame(() => document.querySelector('.notice')!.classList.remove('hidden')));
      expect(await violations(page)).toEqual([]);
      // Still a check: the same text left faint is reported.
      await page.setContent(FADING_IN);
      expect((await violations(page)).map((v) => v.id)).toEqual(['color-contrast']);
    } finally {
      await page.close();
    }
  });
});
