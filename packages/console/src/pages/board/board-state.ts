import { OPEN_STAGES, type ComplaintCardFragment, type Stage } from '@reclaim/client/staff';

export type Card = ComplaintCardFragment;

/**
 * The cards of one queue, fed by a fetch and by live events in any order:
 * the highest version of a complaint wins, also over a fetch that started
 * before an event removed the card (the version is remembered after removal).
 */
export class BoardCards {
  readonly cards = new Map<string, Card>();
  private readonly versions = new Map<string, number>();

  /** `matches`: the board's other filters (assignee, priority, SLA state), which live changes are checked against too. */
  constructor(
    readonly departmentId: string | null,
    private readonly matches: (card: Card) => boolean = () => true,
  ) {}

  belongs(card: Card): boolean {
    return (
      OPEN_STAGES.includes(card.stage) && (this.departmentId === null || card.department?.id === this.departmentId) && this.matches(card)
    );
  }

  /** Applies one complaint as it is now; says what happened to the board. */
  apply(card: Card): 'added' | 'updated' | 'removed' | 'ignored' {
    const known = this.versions.get(card.id);
    if (known !== undefined && known > card.version) return 'ignored';
    this.versions.set(card.id, card.version);
    const existing = this.cards.get(card.id);
    if (this.belongs(card)) {
      this.cards.set(card.id, card);
      return existing ? 'updated' : 'added';
    }
    if (existing) {
      this.cards.delete(card.id);
      return 'removed';
    }
    return 'ignored';
  }

  /** One column per open stage, soonest deadline first (as the server orders its list). */
  columns(): Record<Stage, Card[]> {
    const columns = Object.fromEntries(OPEN_STAGES.map((s) => [s, [] as Card[]])) as Record<Stage, Card[]>;
    for (const card of this.cards.values()) columns[card.stage]?.push(card);
    for (const stage of OPEN_STAGES) columns[stage].sort(byDeadline);
    return columns;
  }
}

const deadlineOf = (card: Card) => {
  const due = card.slaDueAt ?? card.legalDueAt;
  return due ? Date.parse(due) : Number.POSITIVE_INFINITY;
};

export function byDeadline(a: Card, b: Card): number {
  return deadlineOf(a) - deadlineOf(b) || (a.number < b.number ? -1 : a.number > b.number ? 1 : 0);
}

/**
 * The board a user opens on: the whole company for those who sort new
 * complaints (OPERATOR routes them across departments, and portal
 * complaints arrive without one) and for a user in no department (archived
 * ones aside: their queues are empty); else their first department.
 */
export function defaultBoard(user: {
  roles: readonly string[];
  departments: readonly { id: string; archivedAt?: string | null }[];
}): string | null {
  const current = user.departments.filter((d) => !d.archivedAt);
  if (user.roles.includes('OPERATOR') || !current.length) return null;
  return current[0]!.id;
}
