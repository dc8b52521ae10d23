/**
 * `pnpm bench:mail`: how fast does one node take mail in, and how soon does
 * a staff reply reach the customer's mail server?
 *
 * The server runs as the product runs (dist/main.js, PostgreSQL,
 * PUBSUB=postgres) with its SMTP receiver on, sending over SMTP to a sink in
 * this process (smtp-server, parsed with mailparser). nodemailer plays the
 * customers' mail programs (a pool of 8 connections).
 *
 * 1. Steady: `--steady` new mails at `--rate` a second; each one's time from
 *    sending to our `250` (the receiver answers once the complaint is
 *    committed, so this is accept → committed, the live event following
 *    the commit).
 * 2. Burst: `--burst` mails at once: mails accepted per second, and each
 *    one's time to `250`. Every mail must become one complaint, and every
 *    new customer get one "received" mail at the sink.
 * 3. Replies: a staff public reply to `--replies` of those complaints, one
 *    every 100 ms; each one's time from sending the request to the sink's
 *    receipt (an upper bound of commit → handoff: it includes the request).
 *
 *   pnpm bench:mail [--steady 200] [--rate 20] [--burst 1000] [--replies 200] [--no-docs] [--keep]
 */
import { parseArgs } from 'node:util';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import { withDatabase } from './fill.js';
import { adminQuery, confirmCompany, gql, machineLine, SERVER_MAIN, spawnServer, stopProc, writeDocsBlock } from './bench-kit.js';

const { values: args } = parseArgs({
  options: {
    steady: { type: 'string', default: '200' },
    rate: { type: 'string', default: '20' },
    burst: { type: 'string', default: '1000' },
    replies: { type: 'string', default: '200' },
    'no-docs': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});
const STEADY = Number(args.steady);
const RATE = Number(args.rate);
const BURST = Number(args.burst);
const REPLIES = Number(args.replies);
const adminUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const DB = 'reclaim_bench_mail';
const PORT = 4742;
const SMTP_PORT = 2626;
const DOMAIN = 'bench.reclaim.test';
const log = (s: string) => console.log(s);
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

interface Sunk {
  to: string;
  subject: string;
  at: number;
}

function sink(received: Sunk[]): Promise<{ server: SMTPServer; port: number }> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const at = Date.now();
        void simpleParser(Buffer.concat(chunks)).then((m) => {
          for (const r of session.envelope.rcptTo) received.push({ to: r.address, subject: m.subject ?? '', at });
          callback();
        }, callback);
      });
    },
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.server.address() as AddressInfo).port })),
  );
}

async function main() {
  log(`mail bench: ${STEADY} mails at ${RATE}/s, a burst of ${BURST}, ${REPLIES} staff replies`);
  await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await adminQuery(adminUrl, `CREATE DATABASE ${DB}`);
  const received: Sunk[] = [];
  const out = await sink(received);
  const server = await spawnServer(
    SERVER_MAIN,
    {
      DATABASE_URL: withDatabase(adminUrl, DB),
      PUBSUB: 'postgres',
      DEMO_DATA: '0',
      SMTP_URL: `smtp://127.0.0.1:${out.port}`,
      MAIL_DOMAIN: DOMAIN,
      SMTP_PORT: String(SMTP_PORT),
      SMTP_HOST: '127.0.0.1',
      MAIL_PER_SENDER_PER_HOUR: '0',
      MAIL_PER_COMPANY_PER_HOUR: '0',
      SIGN_UPS_PER_HOUR_PER_ADDRESS: '0',
      RATE_LIMIT_PER_MINUTE: '0',
      ANONYMOUS_RATE_LIMIT_PER_MINUTE: '0',
    },
    PORT,
  );
  const client = nodemailer.createTransport({
    host: '127.0.0.1',
    port: SMTP_PORT,
    secure: false,
    ignoreTLS: true,
    pool: true,
    maxConnections: 8,
    maxMessages: Infinity,
  });
  const db = new pg.Client({ connectionString: withDatabase(adminUrl, DB) });
  await db.connect();
  try {
    const { token } = (
      await gql(server.base, `mutation($input: SignUpTenantInput!) { signUpTenant(input: $input) { token } }`, {
        input: {
          slug: 'bench-mail',
          name: 'Bench Mail',
          locale: 'en',
          adminEmail: 'admin@bench-mail.test',
          adminPassword: 'bench-password-1',
          adminName: 'Admin',
        },
      })
    ).signUpTenant;
    await confirmCompany(withDatabase(adminUrl, DB), 'bench-mail');
    const send = async (i: number): Promise<number> => {
      const t0 = Date.now();
      await client.sendMail({
        from: `c${i}@customers.example`,
        to: `bench-mail@${DOMAIN}`,
        subject: `Broken kettle ${i}`,
        text: `Mail ${i}: the kettle broke.`,
      });
      return Date.now() - t0;
    };

    // 1. Steady.
    const steady: number[] = [];
    const started = Date.now();
    const pending: Array<Promise<void>> = [];
    for (let i = 0; i < STEADY; i++) {
      await new Promise((r) => setTimeout(r, Math.max(0, started + (i * 1000) / RATE - Date.now())));
      pending.push(send(i).then((ms) => void steady.push(ms)));
    }
    await Promise.all(pending);

    // 2. Burst.
    const burst: number[] = [];
    const burstStart = Date.now();
    await Promise.all(Array.from({ length: BURST }, (_, k) => send(STEADY + k).then((ms) => void burst.push(ms))));
    const burstSeconds = (Date.now() - burstStart) / 1000;
    const total = STEADY + BURST;
    const deadline = Date.now() + 120_000;
    const receivedMails = () => received.filter((r) => r.subject.includes('is received')).length;
    while (receivedMails() < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    await new Promise((r) => setTimeout(r, 1000));
    const {
      rows: [counts],
    } = await db.query(`SELECT (SELECT count(*) FROM complaints)::int AS complaints,
      (SELECT count(DISTINCT customer_email) FROM complaints)::int AS customers, (SELECT count(*) FROM inbound_mails)::int AS inbound`);
    const receivedTo = new Set(received.filter((r) => r.subject.includes('is received')).map((r) => r.to));

    // 3. Replies.
    const { rows: targets } = await db.query('SELECT id FROM complaints ORDER BY created_at LIMIT $1', [REPLIES]);
    const sentAt = new Map<string, number>();
    const replyRequests: Array<Promise<void>> = [];
    for (const [k, t] of targets.entries()) {
      await new Promise((r) => setTimeout(r, 100));
      const marker = `reply-${k}`;
      sentAt.set(marker, Date.now());
      replyRequests.push(
        gql(
          server.base,
          `mutation($input: AddMessageInput!) { addMessage(input: $input) { id } }`,
          { input: { complaintId: t.id, body: `Answer ${marker}`, visibility: 'PUBLIC' } },
          token,
        ).then(() => undefined),
      );
    }
    await Promise.all(replyRequests);
    const replyDeadline = Date.now() + 60_000;
    const replies = () => received.filter((r) => r.subject.includes('Reply to your complaint'));
    while (replies().length < targets.length && Date.now() < replyDeadline) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1000));
    // Each reply mail is matched to its request by its recipient (one reply per complaint, one complaint per customer).
    const { rows: byCustomer } = await db.query('SELECT id, customer_email FROM complaints ORDER BY created_at LIMIT $1', [REPLIES]);
    const requestAt = new Map(byCustomer.map((c, k) => [String(c.customer_email), sentAt.get(`reply-${k}`)!]));
    const replyLatency = sorted(replies().map((r) => r.at - requestAt.get(r.to)!));

    const s = sorted(steady);
    const b = sorted(burst);
    const table = [
      `Measured ${new Date().toISOString().slice(0, 10)} on ${await machineLine(adminUrl)}.`,
      '',
      `One node (dist/main.js, PostgreSQL, PUBSUB=postgres); nodemailer with 8 pooled connections as the customers; an SMTP sink in the bench's process.`,
      '',
      '| figure | p50 | p95 | p99 | max | target |',
      '|---|--:|--:|--:|--:|---|',
      `| steady ${RATE}/s (${STEADY} mails): sent → 250, the complaint committed (ms) | ${quantile(s, 0.5)} | ${quantile(s, 0.95)} | ${quantile(s, 0.99)} | ${s.at(-1)} | p95 ≤ 2000 ${quantile(s, 0.95) <= 2000 ? '✓' : '✗'} |`,
      `| burst of ${BURST}: sent → 250 (ms) | ${quantile(b, 0.5)} | ${quantile(b, 0.95)} | ${quantile(b, 0.99)} | ${b.at(-1)} | |`,
      `| staff reply request sent → the sink has the mail (ms, ${replyLatency.length} replies) | ${quantile(replyLatency, 0.5)} | ${quantile(replyLatency, 0.95)} | ${quantile(replyLatency, 0.99)} | ${replyLatency.at(-1)} | p95 ≤ 5000 ${quantile(replyLatency, 0.95) <= 5000 ? '✓' : '✗'} |`,
      '',
      `Burst: ${BURST} mails accepted in ${burstSeconds.toFixed(1)} s, ${(BURST / burstSeconds).toFixed(0)} mails/s. ` +
        `Mails sent ${total}; inbound rows ${counts.inbound}; complaints ${counts.complaints} (lost ${total - counts.complaints}, twice ${Math.max(0, counts.complaints - counts.customers)}); ` +
        `"received" mails at the sink ${receivedMails()} to ${receivedTo.size} customers (lost ${total - receivedTo.size}, twice ${receivedMails() - receivedTo.size}); ` +
        `reply mails ${replies().length} of ${targets.length}.`,
    ].join('\n');
    log(table);
    if (!args['no-docs']) writeDocsBlock('mail', table);
  } finally {
    client.close();
    await db.end();
    await stopProc(server);
    out.server.close();
    if (!args.keep) await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`).catch(() => undefined);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
