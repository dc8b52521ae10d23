import { Resolver } from 'node:dns/promises';
import { log } from '../../ops/log.js';

/** What SPF, DKIM and DMARC said of a received mail (mailauth's result words: pass, fail, softfail, none, temperror, …). */
export interface MailAuth {
  spf: string | null;
  dkim: string | null;
  dmarc: string | null;
  /** The sender domain's DMARC policy (reject, quarantine, none), when it has one. */
  dmarcPolicy: string | null;
}

export interface MailAuthOptions {
  /** Each DNS query's timeout, and the whole check's bound is four times it. */
  timeoutMs: number;
  /** DNS servers to ask (`host` or `host:port`); the system's when empty. */
  servers: string[];
}

/**
 * A mail whose sender domain asks receivers to reject or quarantine mail
 * failing DMARC, and that fails it: its From proves nothing, so it is never
 * threaded onto an existing complaint.
 */
export const failsDmarc = (auth: MailAuth | null): boolean =>
  auth?.dmarc === 'fail' && (auth.dmarcPolicy === 'reject' || auth.dmarcPolicy === 'quarantine');

type Answer = string[] | string[][];

/**
 * Checks SPF (the connecting address against the envelope sender's domain),
 * DKIM signatures and DMARC (alignment with the From domain) with mailauth,
 * over a resolver with a short timeout; DNS that does not answer in time
 * leaves the mail unchecked (null), never held.
 */
export class MailAuthenticator {
  private readonly resolver: Resolver;

  constructor(private readonly options: MailAuthOptions) {
    this.resolver = new Resolver({ timeout: options.timeoutMs, tries: 1 });
    if (options.servers.length) this.resolver.setServers(options.servers);
  }

  private readonly resolve = (domain: string, rrtype: string): Promise<Answer> => this.resolver.resolve(domain, rrtype) as Promise<Answer>;

  async check(raw: Buffer, session: { ip: string; helo: string; sender: string }): Promise<MailAuth | null> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), this.options.timeoutMs * 4);
    });
    const { authenticate } = await import('mailauth');
    const checked = authenticate(raw, {
      ip: session.ip,
      helo: session.helo,
      sender: session.sender,
      mta: 'reclaim',
      resolver: this.resolve,
      disableArc: true,
      disableBimi: true,
    }).then(
      (r): MailAuth => {
        const dkims = r.dkim.results.map((d) => d.status.result);
        return {
          spf: r.spf ? r.spf.status.result : null,
          dkim: dkims.includes('pass') ? 'pass' : (dkims[0] ?? 'none'),
          dmarc: r.dmarc ? r.dmarc.status.result : null,
          dmarcPolicy: r.dmarc ? r.dmarc.policy || null : null,
        };
      },
      (err: Error) => {
        log.warn(`mail receiver: SPF/DKIM/DMARC not checked (${err.message})`);
        return null;
      },
    );
    const result = await Promise.race([checked, late]);
    clearTimeout(timer);
    if (result !== 'late') return result;
    log.warn('mail receiver: SPF/DKIM/DMARC not checked (DNS did not answer in time)');
    return null;
  }
}
