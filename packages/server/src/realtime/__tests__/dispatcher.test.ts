import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventDispatcher } from '../dispatcher.js';
import type { ComplaintEvent } from '../events.js';

const TENANT = '11111111-1111-4111-8111-111111111111';
const event = (complaint: string, seq: number): ComplaintEvent => ({
  id: `${complaint}-${seq}`,
  tenantId: TENANT,
  complaintId: complaint,
  seq,
  type: 'TRANSITIONED',
  stage: 'ANALYSIS' as never,
  fromStage: null,
  departmentId: null,
  previousDepartmentId: null,
  public: true,
  actorKind: 'STAFF' as never,
  actorUserId: null,
  detail: {},
  at: new Date(0).toISOString(),
});

function harness(holdMs = 1000) {
  const delivered: string[] = [];
  const dispatcher = new EventDispatcher(
    async (e) => {
      delivered.push(`${e.complaintId}:${e.seq}`);
    },
    { holdMs, idleMs: 60_000 },
  );
  return { delivered, dispatcher };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('EventDispatcher', () => {
  it('hands on each event once, in sequence, whatever order and how often they arrive', async () => {
    const { delivered, dispatcher } = harness();
    for (const seq of [1, 2, 2, 4, 3, 1, 5, 4]) dispatcher.accept(event('a', seq));
    await dispatcher.idle();
    expect(delivered).toEqual(['a:1', 'a:2', 'a:3', 'a:4', 'a:5']);
    dispatcher.close();
  });

  it('keeps complaints apart: a gap in one does not hold up another', async () => {
    const { delivered, dispatcher } = harness();
    dispatcher.accept(event('a', 1));
    dispatcher.accept(event('a', 3));
    dispatcher.accept(event('b', 7));
    dispatcher.accept(event('b', 8));
    await dispatcher.idle();
    expect(delivered).toEqual(['a:1', 'b:7', 'b:8']);
    dispatcher.close();
  });

  it('waits for a missing predecessor, then gives up and still delivers the straggler once, late', async () => {
    vi.useFakeTimers();
    const { delivered, dispatcher } = harness(1000);
    dispatcher.accept(event('a', 1));
    dispatcher.accept(event('a', 3));
    dispatcher.accept(event('a', 4));
    await vi.advanceTimersByTimeAsync(999);
    expect(delivered).toEqual(['a:1']);
    await vi.advanceTimersByTimeAsync(1);
    expect(delivered).toEqual(['a:1', 'a:3', 'a:4']);
    dispatcher.accept(event('a', 2)); // the relay published it after all: late, but not lost
    dispatcher.accept(event('a', 2));
    await dispatcher.idle();
    expect(delivered).toEqual(['a:1', 'a:3', 'a:4', 'a:2']);
    dispatcher.close();
  });

  it("starts a complaint's stream at the first event this node sees, and still takes earlier ones that arrive late", async () => {
    const { delivered, dispatcher } = harness();
    dispatcher.accept(event('a', 5));
    dispatcher.accept(event('a', 4));
    dispatcher.accept(event('a', 6));
    dispatcher.accept(event('a', 4));
    await dispatcher.idle();
    expect(delivered).toEqual(['a:5', 'a:4', 'a:6']);
    dispatcher.close();
  });

  it("delivers one complaint's events one after another even when delivery is slow", async () => {
    const log: string[] = [];
    const dispatcher = new EventDispatcher(
      async (e) => {
        log.push(`start ${e.seq}`);
        await new Promise((resolve) => setTimeout(resolve, e.seq === 1 ? 30 : 1));
        log.push(`end ${e.seq}`);
      },
      { holdMs: 1000, idleMs: 60_000 },
    );
    dispatcher.accept(event('a', 1));
    dispatcher.accept(event('a', 2));
    await dispatcher.idle();
    expect(log).toEqual(['start 1', 'end 1', 'start 2', 'end 2']);
    dispatcher.close();
  });
});
