/**
 * Makes `client`'s statements run one after another, each sent once the one
 * before it has answered, whoever sends them (resolvers running side by
 * side, a LISTEN while a health check runs): pg deprecates a query sent
 * while another runs (pg 9 refuses it). Returns what undoes it, for a
 * connection going back to its pool.
 */
export function oneStatementAtATime(client: { query: (...args: never[]) => unknown }): () => void {
  const target = client as { query: (...args: unknown[]) => unknown };
  const query = target.query;
  let tail: Promise<unknown> = Promise.resolve();
  target.query = (...args: unknown[]) => {
    const run = tail.then(() => query.apply(client, args));
    tail = run.catch(() => undefined);
    return run;
  };
  return () => {
    target.query = query;
  };
}
