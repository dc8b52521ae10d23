import { describe, expect, it } from 'vitest';
import { BoardCards, defaultBoard, type Card } from '../src/pages/board/board-state.js';
import { changesBetween } from '../src/pages/complaint/conflict.js';
import { complaint } from './fixtures.js';

const service = { id: 'd-service', name: 'Service' };
const card = (id: string, version: number, extra: Partial<Card> = {}): Card => ({
  ...complaint({ id, number: `ACME-2026-${id.padStart(6, '0')}`, version, department: service, stage: 'ANALYSIS' }),
  ...extra,
});

describe('BoardCards', () => {
  it('keeps the highest version whichever arrives first', () => {
    const board = new BoardCards('d-service');
    expect(board.apply(card('1', 5, { stage: 'DECISION' }))).toBe('added');
    expect(board.apply(card('1', 4, { stage: 'ANALYSIS' }))).toBe('ignored');
    expect(board.columns().DECISION.map((c) => c.id)).toEqual(['1']);
    expect(board.columns().ANALYSIS).toEqual([]);
  });

  it('does not bring back a card an event removed when an older fetch arrives later', () => {
    const board = new BoardCards('d-service');
    board.apply(card('1', 2));
    expect(board.apply(card('1', 3, { stage: 'CLOSED' }))).toBe('removed');
    expect(board.apply(card('1', 2))).toBe('ignored');
    expect(board.cards.size).toBe(0);
  });

  it('holds the open stages of its department only; all departments when none is chosen', () => {
    const board = new BoardCards('d-service');
    expect(board.apply(card('1', 1, { department: { id: 'd-other', name: 'Other' } }))).toBe('ignored');
    board.apply(card('2', 1));
    expect(board.apply(card('2', 2, { department: { id: 'd-other', name: 'Other' } }))).toBe('removed');
    const all = new BoardCards(null);
    expect(all.apply(card('3', 1, { department: null, stage: 'RECEIVED' }))).toBe('added');
    expect(all.apply(card('4', 1, { stage: 'REJECTED' }))).toBe('ignored');
  });

  it('orders each column by the soonest deadline, SLA before legal, undated last', () => {
    const board = new BoardCards(null);
    board.apply(card('1', 1, { slaDueAt: '2026-11-25T10:00:00Z' }));
    board.apply(card('2', 1));
    board.apply(card('3', 1, { slaDueAt: null, legalDueAt: '2026-11-24T10:00:00Z' }));
    board.apply(card('4', 1, { slaDueAt: '2026-11-23T10:00:00Z' }));
    expect(board.columns().ANALYSIS.map((c) => c.id)).toEqual(['4', '3', '1', '2']);
  });
});

describe('changesBetween', () => {
  it('lists what someone else changed, with enum values kept for labelling', () => {
    const before = complaint({ stage: 'ANALYSIS', priority: 'NORMAL' });
    const after = complaint({ stage: 'DECISION', priority: 'NORMAL', rootCause: 'Seal', assignee: { id: 'u', name: 'Sam' } });
    expect(changesBetween(before, after)).toEqual([
      { field: 'stage', before: 'ANALYSIS', after: 'DECISION', enumPrefix: 'stage' },
      { field: 'assignee', before: null, after: 'Sam', enumPrefix: undefined },
      { field: 'rootCause', before: null, after: 'Seal', enumPrefix: undefined },
    ]);
    expect(changesBetween(before, before)).toEqual([]);
  });
});

describe('defaultBoard: the queue a user opens on', () => {
  const dept = (id: string) => ({ id });
  it('the whole company for an operator, who sorts new complaints (portal ones arrive without a department)', () => {
    expect(defaultBoard({ roles: ['OPERATOR'], departments: [dept('d1')] })).toBeNull();
    expect(defaultBoard({ roles: ['OPERATOR', 'HEAD'], departments: [dept('d1')] })).toBeNull();
  });
  it('their first department for the others, the whole company for someone in none', () => {
    expect(defaultBoard({ roles: ['SPECIALIST'], departments: [dept('d1'), dept('d2')] })).toBe('d1');
    expect(defaultBoard({ roles: ['QUALITY_MANAGER'], departments: [] })).toBeNull();
    // An archived department's queue is empty: the next one, or the whole company.
    expect(defaultBoard({ roles: ['HEAD'], departments: [{ id: 'd0', archivedAt: '2026-11-01T00:00:00Z' }, dept('d2')] })).toBe('d2');
    expect(defaultBoard({ roles: ['HEAD'], departments: [{ id: 'd0', archivedAt: '2026-11-01T00:00:00Z' }] })).toBeNull();
  });
});
