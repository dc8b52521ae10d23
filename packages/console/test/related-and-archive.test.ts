import { describe, expect, it, vi } from 'vitest';
import { nextTick } from 'vue';
import { mount, RouterLinkStub } from '@vue/test-utils';
import { CombinedGraphQLErrors } from '@apollo/client/errors';
import type { ComplaintDetailFragment } from '@reclaim/client/staff';
import RelatedComplaints from '../src/pages/complaint/RelatedComplaints.vue';
import DepartmentsPage from '../src/pages/admin/DepartmentsPage.vue';
import { createConsoleI18n } from '../src/i18n/index.js';
import { complaint, FakeClient, mountPage, type PageOptions } from './fixtures.js';

const flush = async () => {
  for (let i = 0; i < 5; i++) await nextTick();
  await new Promise((r) => setTimeout(r, 0));
};
const body = () => document.body.textContent ?? '';
/** Naive UI's popconfirm: its positive button, once open. */
const confirm = async () => {
  const buttons = [...document.querySelectorAll('.n-popconfirm__action button')] as HTMLButtonElement[];
  buttons.at(-1)!.click();
  await flush();
};

const other = (n: number, over: Partial<ComplaintDetailFragment['customerComplaints'][number]> = {}) => ({
  id: `c-${n}`,
  number: `ACME-2026-00000${n}`,
  subject: `Earlier problem ${n}`,
  stage: 'CLOSED' as const,
  receivedAt: '2026-10-0' + n + 'T09:30:00Z',
  ...over,
});

const mountRelated = (
  c: ComplaintDetailFragment,
  canLink: boolean,
  client: Pick<PageOptions, 'mutate' | 'query'>,
  locale: 'ru' | 'en' = 'en',
) =>
  mountPage(RelatedComplaints, {}, locale, {
    ...client,
    props: { complaint: c, canLink },
    session: { state: { token: 't' } },
    attach: true,
  });

describe("a complaint page's related section", () => {
  it("lists the customer's other complaints with number, subject, stage and received date, each a link to its page", async () => {
    const c = complaint({ customerComplaints: [other(1), other(2, { stage: 'ANALYSIS', subject: 'Still leaking' })] });
    const w = await mountRelated(c, false, {}, 'ru');
    const rows = w.findAll('[data-test=others] tbody tr');
    expect(rows.map((r) => r.attributes('data-other'))).toEqual(['ACME-2026-000001', 'ACME-2026-000002']);
    expect(rows[1]!.text()).toContain('Still leaking');
    expect(rows[1]!.text()).toContain('Анализ');
    // Received in the company's time zone (09:30 UTC is 12:30 in Moscow).
    expect(rows[0]!.text()).toContain('12:30');
    expect(w.findAll('a').map((a) => a.attributes('href'))).toEqual(['/complaints/ACME-2026-000001', '/complaints/ACME-2026-000002']);
    // Without the right to link, nothing to press.
    expect(w.findAll('button')).toHaveLength(0);
    expect(w.find('[data-test=no-links]').text()).toBe('Связей с другими обращениями нет.');
    w.unmount();
  });

  it('marks a listed complaint as a repeat, links one by its number, and removes a link after asking', async () => {
    const linked = complaint({
      customerComplaints: [other(1), other(3)],
      links: [{ kind: 'DUPLICATE', createdAt: '2026-11-20T10:00:00Z', createdBy: { id: 'u1', name: 'Olga' }, complaint: other(3) }],
    });
    const mutate = vi.fn(async () => ({ data: {} }));
    const query = vi.fn(async () => ({ data: { complaint: { id: 'c-9', number: 'ACME-2026-000009' } } }));
    const w = await mountRelated(linked, true, { mutate, query });

    // The linked one shows its kind and who linked it; in the customer's list it is marked, not offered again.
    const link = w.get('[data-test=links] tbody tr');
    expect(link.text()).toContain('Duplicate');
    expect(link.text()).toContain('by Olga');
    expect(w.get('[data-other="ACME-2026-000003"]').text()).toContain('linked');
    expect(w.find('[data-other="ACME-2026-000003"] [data-mark]').exists()).toBe(false);

    const repeat = w.get('[data-other="ACME-2026-000001"] [data-mark=REPEAT]');
    expect(repeat.attributes('aria-label')).toBe('Link ACME-2026-000001 as a repeat');
    await repeat.trigger('click');
    await flush();
    expect(mutate).toHaveBeenLastCalledWith(
      expect.objectContaining({ variables: { input: { complaintId: 'cmp-1', otherComplaintId: 'c-1', kind: 'REPEAT' } } }),
    );

    const number = w.get('input[name=link-number]');
    await number.setValue(' acme-2026-000009 ');
    await w.get('form').trigger('submit');
    await flush();
    expect(query).toHaveBeenCalledWith(expect.objectContaining({ variables: { number: 'ACME-2026-000009' } }));
    expect(mutate).toHaveBeenLastCalledWith(
      expect.objectContaining({ variables: { input: { complaintId: 'cmp-1', otherComplaintId: 'c-9', kind: 'REPEAT' } } }),
    );

    // Removing asks first.
    const calls = mutate.mock.calls.length;
    await w.get('[data-test=unlink]').trigger('click');
    await flush();
    expect(body()).toContain('Remove the link to ACME-2026-000003?');
    expect(mutate.mock.calls.length).toBe(calls);
    await confirm();
    expect(mutate).toHaveBeenLastCalledWith(
      expect.objectContaining({ variables: { input: { complaintId: 'cmp-1', otherComplaintId: 'c-3' } } }),
    );
    w.unmount();
  });

  it('says so when the number is of no complaint of the company, and links nothing', async () => {
    const mutate = vi.fn();
    const w = await mountRelated(complaint(), true, { mutate, query: vi.fn(async () => ({ data: { complaint: null } })) }, 'ru');
    expect(w.find('[data-test=no-others]').text()).toContain('Других обращений этого клиента нет');
    await w.get('input[name=link-number]').setValue('ACME-2026-999999');
    await w.get('form').trigger('submit');
    await flush();
    expect(body()).toContain('Обращения ACME-2026-999999 в вашей компании нет.');
    expect(mutate).not.toHaveBeenCalled();
    w.unmount();
  });

  it('names the other complaint of a link in the timeline, as a link', async () => {
    const { default: ComplaintTimeline } = await import('../src/pages/complaint/ComplaintTimeline.vue');
    const w = mount(ComplaintTimeline as never, {
      props: {
        timeline: [
          {
            id: '1',
            type: 'LINKED',
            at: '2026-12-01T10:00:00Z',
            actorKind: 'STAFF',
            actor: { id: 'u', name: 'Olga' },
            fromStage: null,
            toStage: null,
            data: { kind: 'REPEAT', complaintId: 'c-1', number: 'ACME-2026-000001' },
          },
        ],
      } as never,
      global: { plugins: [createConsoleI18n('ru')], stubs: { RouterLink: RouterLinkStub } },
    });
    expect(w.get('[data-test=link-event]').text()).toBe('— Повторное: ACME-2026-000001');
    expect(w.text()).toContain('Связь добавлена');
    w.unmount();
  });
});

describe('the departments page', () => {
  const DEPARTMENTS = [
    { id: 'd-1', name: 'Service', createdAt: '2026-01-01T00:00:00Z', archivedAt: null },
    { id: 'd-2', name: 'Returns', createdAt: '2026-01-01T00:00:00Z', archivedAt: null },
    { id: 'd-3', name: 'Old desk', createdAt: '2026-01-01T00:00:00Z', archivedAt: '2026-11-01T08:00:00Z' },
  ];
  async function mountDepartments(mutate: PageOptions['mutate'], locale: 'ru' | 'en' = 'en') {
    const client = new FakeClient({ AdminDepartments: { departments: DEPARTMENTS } }, { mutate });
    const w = await mountPage(DepartmentsPage, client, locale, { session: { may: () => true }, attach: true });
    return { w, client };
  }

  it('shows archived departments apart, and archives and restores only after a confirmation', async () => {
    const mutate = vi.fn(async () => ({ data: {} }));
    const { w, client } = await mountDepartments(mutate);
    expect(w.findAll('[data-test=archived] tbody tr').map((r) => r.attributes('data-archived'))).toEqual(['Old desk']);
    expect(w.find('[data-archive="Old desk"]').exists()).toBe(false);

    await w.get('[data-archive="Returns"]').trigger('click');
    await flush();
    expect(body()).toContain('Archive “Returns”?');
    expect(mutate).not.toHaveBeenCalled();
    await confirm();
    expect(mutate).toHaveBeenLastCalledWith(expect.objectContaining({ variables: { id: 'd-2' } }));
    expect(client.refetched).toHaveBeenCalledWith('AdminDepartments');

    await w.get('[data-restore="Old desk"]').trigger('click');
    await flush();
    expect(body()).toContain('Restore “Old desk”?');
    await confirm();
    expect(mutate).toHaveBeenLastCalledWith(expect.objectContaining({ variables: { id: 'd-3' } }));
    w.unmount();
  });

  it("a refusal for open complaints says how many, in the reader's language, with a way to them", async () => {
    const refused = new CombinedGraphQLErrors({
      errors: [
        {
          message: 'the department has 3 open complaint(s)',
          extensions: {
            code: 'BAD_USER_INPUT',
            reason: 'OPEN_COMPLAINTS',
            openComplaints: 3,
          },
        },
      ],
    });
    const { w } = await mountDepartments(
      vi.fn(async () => Promise.reject(refused)),
      'ru',
    );
    await w.get('[data-archive="Service"]').trigger('click');
    await flush();
    await confirm();
    const alert = w.get('[data-test=archive-refused]');
    expect(alert.text()).toContain('Service:');
    expect(alert.text()).toContain('В отделе есть открытые обращения (3)');
    expect(alert.text()).not.toContain('open complaint(s)');
    expect(alert.get('a').attributes('href')).toBe(
      '/complaints?department=d-1&stages=RECEIVED,REGISTERED,ANALYSIS,DECISION,IMPLEMENTATION,FEEDBACK',
    );
    w.unmount();
  });
});
