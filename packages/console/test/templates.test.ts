import { describe, expect, it, vi } from 'vitest';
import { nextTick } from 'vue';
import { flushPromises, type VueWrapper } from '@vue/test-utils';
import { NSelect } from 'naive-ui';
import type { ResponseTemplateFragment } from '@reclaim/client/staff';
import ComplaintMessages from '../src/pages/complaint/ComplaintMessages.vue';
import TemplateForm from '../src/pages/admin/templates/TemplateForm.vue';
import { readTemplate } from '../src/pages/admin/templates/template-text.js';
import { complaint, mountPage, mountWithI18n } from './fixtures.js';

const TEMPLATES: ResponseTemplateFragment[] = [
  {
    id: 't-ack',
    name: 'Acknowledgement',
    locale: 'en',
    body: 'Dear {{customer.name}}, we have {{number}}.',
    createdAt: '2026-11-01T00:00:00Z',
    updatedAt: '2026-11-01T00:00:00Z',
  },
  {
    id: 't-photo',
    name: 'Photos needed',
    locale: null,
    body: 'Please send photos.',
    createdAt: '2026-11-01T00:00:00Z',
    updatedAt: '2026-11-01T00:00:00Z',
  },
];

/** The reply box of a complaint, whose template list answers TEMPLATES and whose render query answers what the server would. */
async function mountMessages(rendered: (vars: { templateId: string; complaintId: string }) => string) {
  const query = vi.fn(async ({ variables }: { variables: { templateId: string; complaintId: string } }) => ({
    data: { renderResponseTemplate: rendered(variables) },
  }));
  const w = await mountPage(ComplaintMessages, { ResponseTemplates: { responseTemplates: TEMPLATES } }, 'en', {
    query,
    props: { complaint: complaint(), canWrite: true },
    session: { state: { token: 'token' } },
    attach: true,
  });
  return { w, query };
}

const textarea = (w: VueWrapper) => w.get('textarea[name=message]').element as HTMLTextAreaElement;
const picker = (w: VueWrapper) => w.findAllComponents(NSelect).find((s) => s.attributes('data-field') === 'template-picker')!;

describe('template picker in the reply box', () => {
  it("offers the company's templates and fills the box with the server's rendering for this complaint", async () => {
    const { w, query } = await mountMessages(({ templateId, complaintId }) => `rendered ${templateId} for ${complaintId}`);
    expect((picker(w).props('options') as Array<{ value: string; label: string }>).map((o) => o.label)).toEqual([
      'Acknowledgement · EN',
      'Photos needed',
    ]);
    picker(w).vm.$emit('update:value', 't-ack');
    await flushPromises();
    expect(query).toHaveBeenCalledWith(
      expect.objectContaining({ variables: { templateId: 't-ack', complaintId: 'cmp-1' }, fetchPolicy: 'network-only' }),
    );
    expect(textarea(w).value).toBe('rendered t-ack for cmp-1');
    // The picker resets, so the same template can be picked again.
    expect(picker(w).props('value')).toBeNull();
    w.unmount();
  });

  it('keeps what was typed and adds the template below it', async () => {
    const { w } = await mountMessages(() => 'Please send photos.');
    await w.get('textarea[name=message]').setValue('Hello Daria,');
    picker(w).vm.$emit('update:value', 't-photo');
    await flushPromises();
    expect(textarea(w).value).toBe('Hello Daria,\n\nPlease send photos.');
    w.unmount();
  });
});

describe('template form', () => {
  it('refuses an empty name or body, and sends a valid template', async () => {
    const w = mountWithI18n(TemplateForm, {});
    await w.get('form').trigger('submit');
    await nextTick();
    expect(w.emitted('save')).toBeUndefined();
    expect(
      w
        .findAll('.n-form-item-feedback')
        .map((f) => f.text())
        .filter(Boolean),
    ).toEqual(['Required', 'Required']);

    await w.get('input[name=template-name]').setValue('  Acknowledgement ');
    await w.get('form').trigger('submit');
    expect(w.emitted('save')).toBeUndefined();

    await w.get('textarea[name=template-body]').setValue('Dear {{customer.name}}, about {{number}}');
    await w.get('form').trigger('submit');
    expect(w.emitted('save')).toEqual([[{ name: 'Acknowledgement', locale: null, body: 'Dear {{customer.name}}, about {{number}}' }]]);
    w.unmount();
  });

  it('flags unknown placeholders, shows a live preview and inserts a placeholder from the list', async () => {
    const w = mountWithI18n(TemplateForm, {});
    await w.get('input[name=template-name]').setValue('X');
    await w.get('textarea[name=template-body]').setValue('Hi {{customer.phone}}');
    await w.get('form').trigger('submit');
    expect(w.emitted('save')).toBeUndefined();
    expect(w.text()).toContain('Unknown or unclosed placeholder: {{customer.phone}}');

    await w.get('textarea[name=template-body]').setValue('Hi {{customer.name}}, re');
    await w.get('[data-placeholder="number"]').trigger('click');
    await nextTick();
    expect((w.get('textarea[name=template-body]').element as HTMLTextAreaElement).value).toBe('Hi {{customer.name}}, re {{number}}');
    expect(w.get('[data-test=template-preview]').text()).toContain('Hi Daria Ivanova, re ACME-2026-000042');
    w.unmount();
  });

  it('edits an existing template', async () => {
    const w = mountWithI18n(TemplateForm, { template: TEMPLATES[0] });
    expect((w.get('input[name=template-name]').element as HTMLInputElement).value).toBe('Acknowledgement');
    await w.get('form').trigger('submit');
    expect(w.emitted('save')).toEqual([[{ name: 'Acknowledgement', locale: 'en', body: TEMPLATES[0]!.body }]]);
    w.unmount();
  });
});

describe('the placeholder grammar of the preview', () => {
  it("agrees with the server's on unclosed and unknown placeholders", () => {
    const values = {
      number: 'N',
      subject: 'S',
      'customer.name': 'C',
      stage: 'St',
      expectedBy: 'E',
      'agent.name': 'A',
      'company.name': 'Co',
      'department.name': 'D',
    };
    expect(readTemplate('{{ number }} {{stage}}', values)).toEqual({ problems: [], preview: 'N St' });
    expect(readTemplate('{{number', values).problems).toEqual(['{{number']);
    expect(readTemplate('{{ {{number}}', values).problems).toEqual(['{{ ']);
    expect(readTemplate('{{Number}}', values).problems).toEqual(['{{Number}}']);
    // A date ending in "г." and the sentence's period: one period, as the server renders it.
    expect(readTemplate('Ответим до {{expectedBy}}.', { ...values, expectedBy: '5 декабря 2026 г.' }).preview).toBe(
      'Ответим до 5 декабря 2026 г.',
    );
    expect(readTemplate('By {{expectedBy}}.', values).preview).toBe('By E.');
  });
});
