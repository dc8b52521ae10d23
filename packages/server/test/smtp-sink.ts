import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface SunkMail {
  /** The envelope's recipients. */
  to: string[];
  raw: Buffer;
  parsed: ParsedMail;
  at: number;
}

/** How the sink answers RCPT TO for an address: accept, or refuse with this code (451 for now, 550 for good). */
export type SinkAnswer = 'accept' | 451 | 550;

/**
 * An SMTP server started by a test on 127.0.0.1 (smtp-server, no TLS, no
 * authentication): it keeps what it receives, parsed with mailparser, and
 * refuses the recipients a test tells it to, for as many tries as it says.
 */
export class SmtpSink {
  readonly received: SunkMail[] = [];
  private readonly answers = new Map<string, SinkAnswer[]>();
  private server?: SMTPServer;
  port = 0;

  async start(): Promise<this> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onRcptTo: (address, _session, callback) => {
        const answer = this.answers.get(address.address.toLowerCase())?.shift() ?? 'accept';
        if (answer === 'accept') return callback();
        const err = Object.assign(new Error(answer === 451 ? 'Try again later' : 'No such user'), { responseCode: answer });
        callback(err);
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks);
          void simpleParser(raw).then((parsed) => {
            this.received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw, parsed, at: Date.now() });
            callback();
          }, callback);
        });
      },
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** The next answers to RCPT TO for `address`, in turn; then it accepts. */
  answer(address: string, ...answers: SinkAnswer[]): void {
    this.answers.set(address.toLowerCase(), answers);
  }

  to(address: string): SunkMail[] {
    return this.received.filter((m) => m.to.some((t) => t.toLowerCase() === address.toLowerCase()));
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
