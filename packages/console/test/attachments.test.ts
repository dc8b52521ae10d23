import { describe, expect, it } from 'vitest';
import type { AttachmentViewFragment } from '@reclaim/client/staff';
import ComplaintAttachments from '../src/pages/complaint/ComplaintAttachments.vue';
import ComplaintMessages from '../src/pages/complaint/ComplaintMessages.vue';
import { formatFileSize } from '../src/components/format.js';
import { complaint, mountPage, mountWithI18n } from './fixtures.js';

const file = (over: Partial<AttachmentViewFragment>): AttachmentViewFragment => ({
  id: 'f1', fileName: 'photo.jpg', contentType: 'image/jpeg', size: 245_000, url: '/files/f1?t=x&e=1&s=y', author: 'CUSTOMER',
  uploadedBy: null, messageId: null, createdAt: '2026-11-20T10:00:00Z', ...over,
});

describe('the complaint\'s files', () => {
  it('shows photos as thumbnails, other files as badges, with size, who and where', () => {
    const w = mountWithI18n(ComplaintAttachments, { attachments: [
      file({}),
      file({ id: 'f2', fileName: 'invoice.pdf', contentType: 'application/pdf', size: 900, messageId: 'm1', author: 'STAFF', uploadedBy: { id: 'u1', name: 'Sam Specialist' } }),
      file({ id: 'f3', fileName: 'clip.mp4', contentType: 'video/mp4', size: 3_400_000 }),
    ] });
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

  it('lists a message\'s files under the message, and offers attaching to one being written', async () => {
    const c = complaint({
      messages: [{ id: 'm1', body: 'See the manual', visibility: 'PUBLIC', asksCustomer: false, authorKind: 'STAFF', author: { id: 'u1', name: 'Sam' }, integrationName: null, createdAt: '2026-11-20T11:00:00Z' }],
      attachments: [file({ id: 'f2', fileName: 'manual.pdf', contentType: 'application/pdf', messageId: 'm1' }), file({ id: 'f9', fileName: 'other.jpg' })],
    });
    const w = await mountPage(ComplaintMessages, {}, 'en', { props: { complaint: c, canWrite: true }, session: { state: { token: 't' } } });
    const message = w.get('article[data-visibility=PUBLIC]');
    expect(message.findAll('.message-files a').map((a) => a.text())).toEqual(['manual.pdf']);
    const input = w.get('input[type=file][name=attachments]');
    expect(input.attributes('accept')).toContain('application/pdf');
    expect(input.attributes('multiple')).toBeDefined();
  });
});

describe('formatFileSize', () => {
  it.each([[0, 'en', '0 B'], [1023, 'en', '1,023 B'], [1024, 'en', '1 KB'], [10 * 1024 * 1024, 'en', '10 MB'], [1_572_864, 'ru', '1,5 МБ']])(
    '%i bytes in %s: %s', (bytes, locale, text) => expect(formatFileSize(bytes, locale)).toBe(text));
});
