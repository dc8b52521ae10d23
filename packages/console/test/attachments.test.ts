import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushPromises } from '@vue/test-utils';
import type { AttachmentViewFragment } from '@reclaim/client/staff';
import ComplaintAttachments from '../src/pages/complaint/ComplaintAttachments.vue';
import ComplaintMessages from '../src/pages/complaint/ComplaintMessages.vue';
import { formatFileSize } from '../src/components/format.js';
import { complaint, mountPage, mountWithI18n } from './fixtures.js';

const file = (over: Partial<AttachmentViewFragment>): AttachmentViewFragment => ({
  id: 'f1',
  fileName: 'photo.jpg',
  contentType: 'image/jpeg',
  size: 245_000,
  url: '/files/f1?t=x&e=1&s=y',
  author: 'CUSTOMER',
  uploadedBy: null,
  messageId: null,
  createdAt: '2026-11-20T10:00:00Z',
  ...over,
});

describe("the complaint's files", () => {
  it('shows photos as thumbnails, other files as badges, with size, who and where', () => {
    const w = mountWithI18n(ComplaintAttachments, {
      attachments: [
        file({}),
        file({
          id: 'f2',
          fileName: 'invoice.pdf',
          contentType: 'application/pdf',
          size: 900,
          messageId: 'm1',
          author: 'STAFF',
          uploadedBy: { id: 'u1', name: 'Sam Specialist' },
        }),
        file({ id: 'f3', fileName: 'clip.mp4', contentType: 'video/mp4', size: 3_400_000 }),
      ],
    });
    const items = w.findAll('li');
    expect(items).toHaveLength(3);
    expect(items[0]!.find('img').attributes('src')).toBe('/files/f1?t=x&e=1&s=y');
    expect(items[0]!.text()).toContain('239 KB · customer · with the submission');
    expect(items[1]!.find('img').exists()).toBe(false);
    expect(items[1]!.text()).toContain('PDF');
    expect(items[1]!.text()).toContain('900 B · Sam Specialist · with a message');
    expect(items[2]!.text()).toContain('▶');
    expect(items[2]!.text()).toContain('3.2 MB');
    expect(w.findAll('a[target=_blank]').every((a) => a.attributes('rel') === 'noopener')).toBe(true);
  });

  it('says when there are none', () => {
    expect(mountWithI18n(ComplaintAttachments, { attachments: [] }).text()).toBe('No files');
  });

  it("lists a message's files under the message, and offers attaching to one being written", async () => {
    const c = complaint({
      messages: [
        {
          id: 'm1',
          body: 'See the manual',
          visibility: 'PUBLIC',
          asksCustomer: false,
          authorKind: 'STAFF',
          author: { id: 'u1', name: 'Sam' },
          integrationName: null,
          createdAt: '2026-11-20T11:00:00Z',
        },
      ],
      attachments: [
        file({ id: 'f2', fileName: 'manual.pdf', contentType: 'application/pdf', messageId: 'm1' }),
        file({ id: 'f9', fileName: 'other.jpg' }),
      ],
    });
    const w = await mountPage(ComplaintMessages, {}, 'en', { props: { complaint: c, canWrite: true }, session: { state: { token: 't' } } });
    const message = w.get('article[data-visibility=PUBLIC]');
    expect(message.findAll('.message-files a').map((a) => a.text())).toEqual(['manual.pdf']);
    const input = w.get('input[type=file][name=attachments]');
    expect(input.attributes('accept')).toContain('application/pdf');
    expect(input.attributes('multiple')).toBeDefined();
  });
});

describe('a file the server refuses', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    document.body.innerHTML = '';
  });

  /** The upload route answering 429 for files uploaded and not yet sent. */
  class RefusingXhr {
    status = 0;
    responseText = '';
    upload = {};
    onload: (() => void) | null = null;
    open() {}
    setRequestHeader() {}
    send() {
      queueMicrotask(() => {
        this.status = 429;
        this.responseText = JSON.stringify({
          error: { code: 'RATE_LIMITED', reason: 'PENDING_UPLOADS', message: 'too many files uploaded and not yet sent' },
        });
        this.onload?.();
      });
    }
  }

  it("is named with the reason in the reader's language, not the server's English", async () => {
    vi.stubGlobal('XMLHttpRequest', RefusingXhr);
    const w = await mountPage(ComplaintMessages, {}, 'ru', {
      props: { complaint: complaint({}), canWrite: true },
      session: { state: { token: 't' } },
      attach: true,
    });
    const input = w.get<HTMLInputElement>('input[type=file][name=attachments]');
    Object.defineProperty(input.element, 'files', {
      value: [new File([new Uint8Array(10)], 'photo.jpg', { type: 'image/jpeg' })],
      configurable: true,
    });
    await input.trigger('change');
    await flushPromises();
    await vi.waitFor(() =>
      expect(document.body.textContent).toContain(
        'photo.jpg: Слишком много загруженных и не отправленных файлов; отправьте их или подождите.',
      ),
    );
    expect(document.body.textContent).not.toContain('too many files uploaded');
    w.unmount();
  });
});

describe('formatFileSize', () => {
  it.each([
    [0, 'en', '0 B'],
    [1023, 'en', '1,023 B'],
    [1024, 'en', '1 KB'],
    [10 * 1024 * 1024, 'en', '10 MB'],
    [1_572_864, 'ru', '1,5 МБ'],
  ])('%i bytes in %s: %s', (bytes, locale, text) => expect(formatFileSize(bytes, locale)).toBe(text));
});
