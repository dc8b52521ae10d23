import { afterEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h, ref } from 'vue';
import { flushPromises, type VueWrapper } from '@vue/test-utils';
import FileUploader from '../src/uploads/FileUploader.vue';
import { UploadError, type UploadedFile } from '@reclaim/client';
import { uploadedIds, type UploadItem } from '../src/uploads/upload-items.js';
import { choose, fakeApi, file, mountWith } from './helpers.js';

let wrapper: VueWrapper;
afterEach(() => wrapper?.unmount());

/** The uploader inside a parent that holds the list, as the form and the reply box do. */
function setup(upload: ReturnType<typeof vi.fn>, locale: 'ru' | 'en' = 'en') {
  const items = ref<UploadItem[]>([]);
  const Parent = defineComponent(
    () => () =>
      h(FileUploader, {
        slug: 'northwind',
        inputId: 'files',
        modelValue: items.value,
        'onUpdate:modelValue': (v: UploadItem[]) => (items.value = v),
      }),
  );
  ({ wrapper } = mountWith(Parent, { api: fakeApi({ upload: upload as never }), locale }));
  const picker = wrapper.find<HTMLInputElement>('[data-test=file-input]').element;
  return { items, picker };
}
const row = (name: string) => wrapper.find(`[data-file="${name}"]`);

describe('the uploader', () => {
  it('shows each file’s progress, then done, and gives the parent the ids', async () => {
    const pending: { progress: (f: number) => void; resolve: (f: UploadedFile) => void }[] = [];
    const upload = vi.fn(
      (_slug: string, _file: File, onProgress: (f: number) => void) =>
        new Promise<UploadedFile>((resolve) => pending.push({ progress: onProgress, resolve })),
    );
    const { items, picker } = setup(upload);
    await choose(picker, [file('a.jpg', 500, 'image/jpeg'), file('b.pdf', 800, 'application/pdf')]);
    expect(upload.mock.calls.map((c) => [c[0], (c[1] as File).name])).toEqual([
      ['northwind', 'a.jpg'],
      ['northwind', 'b.pdf'],
    ]);
    expect(row('a.jpg').attributes('data-state')).toBe('uploading');
    pending[0]!.progress(0.42);
    await flushPromises();
    expect(row('a.jpg').find('progress').attributes('value')).toBe('42');
    expect(row('a.jpg').text()).toContain('Uploading, 42 %');
    pending[1]!.resolve({ id: 'att-b', fileName: 'b.pdf', contentType: 'application/pdf', size: 800 });
    await flushPromises();
    expect(row('b.pdf').attributes('data-state')).toBe('done');
    expect(row('a.jpg').attributes('data-state')).toBe('uploading');
    expect(uploadedIds(items.value)).toEqual(['att-b']);
    pending[0]!.resolve({ id: 'att-a', fileName: 'a.jpg', contentType: 'image/jpeg', size: 500 });
    await flushPromises();
    expect(uploadedIds(items.value)).toEqual(['att-a', 'att-b']);
  });

  it('shows the server’s refusal on the file and keeps it out of the ids', async () => {
    const upload = vi.fn(async () =>
      Promise.reject(
        new UploadError(
          { code: 'BAD_USER_INPUT', reason: 'UNSUPPORTED_TYPE', message: 'this kind of file is not accepted', fields: [] },
          'type',
        ),
      ),
    );
    const { items, picker } = setup(upload);
    await choose(picker, [file('fake.jpg', 500, 'image/jpeg')]);
    expect(row('fake.jpg').attributes('data-state')).toBe('error');
    expect(row('fake.jpg').find('[data-test=upload-error]').text()).toBe('This type of file is not accepted.');
    expect(uploadedIds(items.value)).toEqual([]);
  });

  it.each([
    ['en', 'Too many files uploaded and not yet sent; send them or wait.'],
    ['ru', 'Слишком много загруженных и не отправленных файлов; отправьте их или подождите.'],
  ] as const)("says which limit refused a file, in the reader's language (%s)", async (locale, text) => {
    const upload = vi.fn(async () =>
      Promise.reject(
        new UploadError({
          code: 'RATE_LIMITED',
          reason: 'PENDING_UPLOADS',
          message: 'too many files uploaded and not yet sent',
          fields: [],
        }),
      ),
    );
    setup(upload, locale);
    await choose(wrapper.find<HTMLInputElement>('[data-test=file-input]').element, [file('a.jpg', 500, 'image/jpeg')]);
    expect(row('a.jpg').find('[data-test=upload-error]').text()).toBe(text);
  });

  it('says an upload failed for any other reason (here the network) as failed', async () => {
    const upload = vi.fn(async () =>
      Promise.reject(new UploadError({ code: 'NETWORK', message: 'the upload did not reach the server', fields: [] })),
    );
    setup(upload, 'ru');
    await choose(wrapper.find<HTMLInputElement>('[data-test=file-input]').element, [file('a.jpg', 500, 'image/jpeg')]);
    expect(row('a.jpg').find('[data-test=upload-error]').text()).toBe('Загрузка не удалась. Уберите файл и попробуйте снова.');
  });

  it('lets a file be removed, which frees its place', async () => {
    const upload = vi.fn(async (_s: string, f: File) => ({ id: `id-${f.name}`, fileName: f.name, contentType: f.type, size: f.size }));
    const { items, picker } = setup(upload);
    await choose(
      picker,
      ['1', '2', '3', '4', '5'].map((n) => file(`${n}.png`, 10, 'image/png')),
    );
    expect(picker.disabled).toBe(true);
    await row('3.png').find('button').trigger('click');
    expect(row('3.png').exists()).toBe(false);
    expect(uploadedIds(items.value)).toEqual(['id-1.png', 'id-2.png', 'id-4.png', 'id-5.png']);
    expect(picker.disabled).toBe(false);
    expect(row('1.png').find('button').attributes('aria-label')).toBe('Remove 1.png');
  });

  it('does not count refused files toward the five', async () => {
    const upload = vi.fn(async (_s: string, f: File) => ({ id: `id-${f.name}`, fileName: f.name, contentType: f.type, size: f.size }));
    const { items, picker } = setup(upload);
    await choose(picker, [
      file('big.mov', 11 * 1024 * 1024, 'video/quicktime'),
      ...['1', '2', '3', '4', '5'].map((n) => file(`${n}.heic`, 10, '')),
    ]);
    expect(upload).toHaveBeenCalledTimes(5);
    expect(row('big.mov').attributes('data-state')).toBe('error');
    expect(uploadedIds(items.value)).toHaveLength(5);
    expect(wrapper.find('[data-test=upload-notice]').exists()).toBe(false);
  });

  it('describes the limits next to the picker', () => {
    setup(vi.fn());
    const picker = wrapper.find('[data-test=file-input]');
    expect(document.getElementById(picker.attributes('aria-describedby')!)!.textContent).toContain('Up to 5 files, 10 MB each');
    expect(picker.attributes('accept')).toContain('image/jpeg');
    expect(picker.attributes('accept')).toContain('application/pdf');
  });
});
