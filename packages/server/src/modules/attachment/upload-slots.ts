import { Tally, over } from '../../http/tally.js';

export interface UploadSlotLimits {
  /** Uploads receiving at once from one client address (0: no cap). */
  perAddress: number;
  /** From one staff user (0: no cap). */
  perUser: number;
  /** On this node, from anyone (0: no cap). */
  perNode: number;
}

/**
 * Uploads being received at once on this node, per client address, per
 * staff user and in all. A slot is taken before any of the body is read and
 * given back when the upload ends, however it ends. Each upload holds at
 * most one part of its body in memory, so the caps also bound the bytes
 * buffered (docs/security.md, "Request bodies and uploads").
 */
export class UploadSlots {
  private readonly byAddress = new Tally();
  private readonly byUser = new Tally();
  private total = 0;

  constructor(private readonly limits: UploadSlotLimits) {}

  /** A release function, or null when a cap is reached (nothing taken then). */
  take(address: string, userId: string | null): (() => void) | null {
    if (over(this.limits.perNode, this.total)) return null;
    if (over(this.limits.perAddress, this.byAddress.get(address))) return null;
    if (userId !== null && over(this.limits.perUser, this.byUser.get(userId))) return null;
    this.total++;
    this.byAddress.add(address);
    if (userId !== null) this.byUser.add(userId);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total--;
      this.byAddress.add(address, -1);
      if (userId !== null) this.byUser.add(userId, -1);
    };
  }

  /** Uploads receiving now on this node. */
  get active(): number {
    return this.total;
  }
}
