/**
 * Copies `text` (a tracking link, say) to the clipboard. Without clipboard
 * permission it selects `fallback`, the field that shows the text, and asks
 * the browser to copy the selection, so that Ctrl+C works in any case.
 */
export async function copyText(text: string, fallback?: { select(): void } | null): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    fallback?.select();
    document.execCommand?.('copy');
  }
}
