/**
 * What naive-ui leaves out for assistive technology, added to its markup as
 * it appears (checked by axe-core in test/e2e/console/accessibility.test.ts):
 *
 * - a card's title is `role="heading"` twice over (header and its inner part)
 *   and without a level: the header becomes a level-3 heading under the page's
 *   h1/h2, the inner part a plain container;
 * - a form item's `<label>` names nothing (no `for`): each control inside an
 *   item that has no name of its own is named by the item's label;
 * - a number field's +/− buttons have only an icon: they get a name (they are
 *   out of the tab order; the arrow keys step the field);
 * - a select named on its root (`aria-label` on NSelect) leaves the input that
 *   takes the focus unnamed: it gets the same name.
 */
export interface NaiveA11yTexts {
  increase(): string;
  decrease(): string;
}

const CONTROLS = 'input:not([type=hidden]), textarea, .n-base-selection-input';
let counter = 0;

function named(el: Element): boolean {
  if (el.hasAttribute('aria-label') || el.hasAttribute('aria-labelledby')) return true;
  const id = el.getAttribute('id');
  if (id && el.ownerDocument.querySelector(`label[for="${CSS.escape(id)}"]`)) return true;
  return !!el.closest('label');
}

function repair(root: ParentNode, texts: NaiveA11yTexts) {
  for (const header of root.querySelectorAll('.n-card-header[role=heading]:not([aria-level])')) header.setAttribute('aria-level', '3');
  for (const inner of root.querySelectorAll('.n-card-header__main[role=heading]')) inner.removeAttribute('role');

  for (const item of root.querySelectorAll('.n-form-item')) {
    const label = item.querySelector(':scope > .n-form-item-label');
    if (!label || !label.textContent?.trim()) continue;
    if (!label.id) label.id = `naive-label-${++counter}`;
    for (const control of item.querySelectorAll(`:scope > .n-form-item-blank ${CONTROLS}`)) {
      if (!named(control)) control.setAttribute('aria-labelledby', label.id);
    }
  }

  for (const field of root.querySelectorAll('.n-input-number')) {
    const buttons = field.querySelectorAll('.n-input__suffix button, .n-input__prefix button');
    const [minus, plus] = [buttons[0], buttons[buttons.length - 1]];
    if (minus && minus.getAttribute('aria-label') !== texts.decrease()) minus.setAttribute('aria-label', texts.decrease());
    if (plus && plus !== minus && plus.getAttribute('aria-label') !== texts.increase()) plus.setAttribute('aria-label', texts.increase());
  }

  // A select named on its root (aria-label on NSelect) passes the name to the input that takes the focus.
  for (const input of root.querySelectorAll('.n-base-selection-input')) {
    const owner = input.parentElement?.closest('[aria-label]');
    if (owner && !named(input)) input.setAttribute('aria-label', owner.getAttribute('aria-label')!);
  }
}

/** Repairs what is on the page now and whatever is rendered later. */
export function installNaiveA11y(root: HTMLElement, texts: NaiveA11yTexts) {
  let queued = false;
  const run = () => {
    queued = false;
    repair(root.ownerDocument, texts);
  };
  new MutationObserver(() => {
    if (queued) return;
    queued = true;
    queueMicrotask(run);
  }).observe(root.ownerDocument.body, { childList: true, subtree: true });
  run();
}
