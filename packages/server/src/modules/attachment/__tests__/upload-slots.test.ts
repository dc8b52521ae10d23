import { describe, expect, it } from 'vitest';
import { UploadSlots } from '../upload-slots.js';

describe('UploadSlots', () => {
  it('caps uploads per address, per user and per node, and gives slots back once', () => {
    const slots = new UploadSlots({ perAddress: 2, perUser: 1, perNode: 3 });
    const a1 = slots.take('10.0.0.1', null)!;
    expect(slots.take('10.0.0.1', null)).not.toBeNull();
    expect(slots.take('10.0.0.1', null)).toBeNull();
    const u1 = slots.take('10.0.0.2', 'user-1')!;
    expect(slots.take('10.0.0.3', 'user-1')).toBeNull();
    expect(slots.take('10.0.0.3', null)).toBeNull(); // the node is full
    expect(slots.active).toBe(3);
    a1();
    a1();
    expect(slots.active).toBe(2);
    u1();
    expect(slots.take('10.0.0.3', 'user-1')).not.toBeNull();
    expect(slots.take('10.0.0.1', null)).not.toBeNull();
    expect(slots.take('10.0.0.4', null)).toBeNull();
  });

  it('a cap of 0 is no cap', () => {
    const slots = new UploadSlots({ perAddress: 0, perUser: 0, perNode: 0 });
    for (let i = 0; i < 100; i++) expect(slots.take('10.0.0.1', 'u')).not.toBeNull();
  });
});
