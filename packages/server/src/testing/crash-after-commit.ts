import { runAsMain } from '../node.js';
import { log } from '../ops/log.js';

/**
 * A node that kills itself (SIGKILL) right after its first commit with
 * events, before publishing them: the crash test of the outbox
 * (test/e2e/multinode.test.ts) starts this instead of main.js. Test-only;
 * nothing in the product imports it.
 */
runAsMain((app) => {
  log.warn('fault injection: this node kills itself right after its first commit with events');
  app.realtime.publisher.beforePublish = () => process.kill(process.pid, 'SIGKILL');
});
