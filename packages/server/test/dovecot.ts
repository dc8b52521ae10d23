import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';

const BINARY = ['/usr/sbin/dovecot', '/usr/local/sbin/dovecot'].find((p) => existsSync(p));

/** Whether Debian's Dovecot (package dovecot-imapd) is here: `.ci/run` installs it; a bare machine skips the tests that need it. */
export const dovecotInstalled = BINARY !== undefined && spawnSync(BINARY, ['--version']).status === 0;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * A real IMAP server started by a test: Dovecot in the foreground with its
 * own configuration in a temporary directory, on a free port of 127.0.0.1,
 * plain IMAP (no TLS, so STARTTLS is not offered), users with plain
 * passwords in a passwd-file, mail in Maildirs. `deliver` puts a mail into
 * a user's INBOX as their mail server would (IMAP APPEND, unseen).
 */
export class Dovecot {
  port = 0;
  private dir = '';
  private process?: ChildProcess;
  private readonly accounts: Array<{ user: string; password: string }> = [];

  /** `accounts` users are made before the server starts (Dovecot notices a changed passwd-file only by its modification second). */
  async start(accounts = 20): Promise<this> {
    if (!BINARY) throw new Error('dovecot is not installed (apt-get install dovecot-imapd)');
    this.dir = mkdtempSync(join(tmpdir(), 'reclaim-dovecot-'));
    this.port = await freePort();
    for (const sub of ['run', 'state', 'mail']) mkdirSync(join(this.dir, sub));
    chmodSync(this.dir, 0o755);
    chmodSync(join(this.dir, 'mail'), 0o777);
    for (let i = 0; i < accounts; i++)
      this.accounts.push({
        user: `claims-${i}-${randomBytes(3).toString('hex')}@acme.test`,
        password: `pw-${randomBytes(8).toString('hex')}`,
      });
    writeFileSync(join(this.dir, 'users'), this.accounts.map((a) => `${a.user}:{PLAIN}${a.password}\n`).join(''));
    // As root, mail is kept as Dovecot's own user (it never runs a mail process as root); otherwise as whoever runs the test.
    const owner = process.getuid?.() === 0 ? 'uid=dovecot gid=dovecot' : `uid=${userInfo().uid} gid=${userInfo().gid}`;
    const login =
      process.getuid?.() === 0 ? '' : `default_login_user = ${userInfo().username}\ndefault_internal_user = ${userInfo().username}\n`;
    writeFileSync(
      join(this.dir, 'dovecot.conf'),
      `protocols = imap
listen = 127.0.0.1
base_dir = ${this.dir}/run
state_dir = ${this.dir}/state
log_path = ${this.dir}/dovecot.log
${login}ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
first_valid_uid = 1
login_trusted_networks = 127.0.0.0/8
mail_location = maildir:${this.dir}/mail/%u
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${this.dir}/users
}
userdb {
  driver = static
  args = ${owner} home=${this.dir}/mail/%u
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${this.port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
  # No penalty for failed sign-ins (2, 4, 8 s from one address, even a trusted one): the tests fail some on purpose.
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service stats {
  inet_listener http {
    port = 0
  }
}
`,
    );
    this.process = spawn(BINARY, ['-F', '-c', join(this.dir, 'dovecot.conf')], { stdio: 'ignore' });
    const until = Date.now() + 10_000;
    for (;;) {
      const up = await new Promise<boolean>((resolve) => {
        const probe = new ImapFlow({
          host: '127.0.0.1',
          port: this.port,
          secure: false,
          logger: false,
          auth: { user: 'nobody', pass: 'x' },
        });
        probe.on('error', () => undefined);
        // A refused sign-in means the server is up.
        probe.connect().then(
          () => resolve(true),
          (err: { authenticationFailed?: boolean }) => resolve(Boolean(err.authenticationFailed)),
        );
      });
      if (up) return this;
      if (Date.now() > until) throw new Error(`dovecot did not start on ${this.port}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** An account of its own (made at start), with an empty INBOX. */
  account(): { user: string; password: string } {
    const next = this.accounts.shift();
    if (!next) throw new Error('no more Dovecot accounts: start it with more');
    return next;
  }

  /** A client signed in as `user` (the test's own look at the mailbox). */
  async client(user: string, password: string): Promise<ImapFlow> {
    const client = new ImapFlow({ host: '127.0.0.1', port: this.port, secure: false, logger: false, auth: { user, pass: password } });
    client.on('error', () => undefined);
    await client.connect();
    return client;
  }

  async deliver(user: string, password: string, raw: string | Buffer, folder = 'INBOX'): Promise<void> {
    const client = await this.client(user, password);
    try {
      await client.append(folder, raw, []);
    } finally {
      await client.logout();
    }
  }

  async stop(): Promise<void> {
    if (this.process && this.process.exitCode === null) {
      const exited = new Promise((resolve) => this.process!.once('exit', resolve));
      this.process.kill('SIGTERM');
      await exited;
    }
    if (this.dir && !process.env.KEEP_DOVECOT) rmSync(this.dir, { recursive: true, force: true });
  }
}
