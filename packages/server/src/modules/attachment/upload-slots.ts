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
  private readonly byAddress = new Map<string, number>();
  private readonly byUser = new Map<string, number>();
  private total = 0;

  constructor(private readonly limits: UploadSlotLimits) {}

  /** A release function, or null when a cap is reached (nothing taken then). */
  take(address: string, userId: string | null): (() => void) | null {
    const full = (limit: number, used: number) => limit > 0 && used >= limit;
    if (full(this.limits.perNode, this.total)) return null;
    if (full(this.limits.perAddress, this.byAddress.get(address) ?? 0)) return null;
    if (userId !== null && full(this.limits.perUser, this.byUser.get(userId) ?? 0)) return null;
    this.total++;
    bump(this.byAddress, address, 1);
    if (userId !== null) bump(this.byUser, userId, 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total--;
      bump(this.byAddress, address, -1);
      if (userId !== null) bump(this.byUser, userId, -1);
    };
  }

  /** Uploads receiving now on this node. */
  get active(): number {
    return this.total;
  }
}

function bump(counts: Map<string, number>, key: string, by: number): void {
  const n = (counts.get(key) ?? 0) + by;
  if (n > 0) counts.set(key, n);
  else counts.delete(key);
}
