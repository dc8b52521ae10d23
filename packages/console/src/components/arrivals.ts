/**
 * A new complaint is announced once per page: the board announces arrivals
 * in the queue it shows, the notification bell those in the user's inbox,
 * and a complaint in both would otherwise pop up twice.
 */
const announced = new Set<string>();

/** Runs `announce` unless the complaint's arrival was announced in the last minute. */
export function announceArrivalOnce(complaintId: string, announce: () => void): void {
  if (announced.has(complaintId)) return;
  announced.add(complaintId);
  setTimeout(() => announced.delete(complaintId), 60_000);
  announce();
}
