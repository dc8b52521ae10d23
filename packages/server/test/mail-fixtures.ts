import iconv from 'iconv-lite';

/**
 * Mails written the way real mail programs write them, for the inbound
 * tests: headers, quoting styles, charsets and multipart structures of
 * Gmail, Outlook, Apple Mail, Thunderbird, mobile clients, auto-responders
 * and mail servers' delivery reports. Each names what must become of it.
 */
export interface Thread {
  /** The complaint's customer, its number and the Message-ID of our last mail to them. */
  customer: string;
  number: string;
  ourMessageId: string;
  company: string;
  replyAddress: string;
}

export type Expected =
  | { outcome: 'THREADED'; by: 'REPLY_ADDRESS' | 'REFERENCES' | 'SUBJECT'; text: string; notText?: string }
  | { outcome: 'NEW_COMPLAINT'; text: string; notText?: string; subject?: string; mentions?: boolean }
  | { outcome: 'AUTOMATIC' | 'BOUNCE' };

export interface Fixture {
  name: string;
  /** The envelope's recipient (the company's address unless given) and the raw message. */
  build(t: Thread, id: string): { to?: string; from?: string; raw: Buffer };
  expected: Expected;
}

const CRLF = '\r\n';
const b64 = (s: string, charset = 'utf-8') => iconv.encode(s, charset).toString('base64');
const subjectB = (s: string, charset = 'utf-8') => `=?${charset}?B?${b64(s, charset)}?=`;
const qp = (s: string) =>
  Buffer.from(s, 'utf8')
    .toString('latin1')
    .replace(/[^\x20-\x3c\x3e-\x7e\n]/g, (c) => `=${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);

function mail(headers: Array<[string, string]>, body: string | Buffer): Buffer {
  const head = headers.map(([k, v]) => `${k}: ${v}`).join(CRLF);
  return Buffer.concat([Buffer.from(head + CRLF + CRLF), Buffer.isBuffer(body) ? body : Buffer.from(body.replace(/\r?\n/g, CRLF))]);
}
const base = (from: string, to: string, subject: string, id: string, extra: Array<[string, string]> = []): Array<[string, string]> => [
  ['From', from],
  ['To', to],
  ['Subject', subject],
  ['Date', 'Tue, 1 Dec 2026 10:00:00 +0300'],
  ['Message-ID', `<${id}@mail.example.com>`],
  ['MIME-Version', '1.0'],
  ...extra,
];
const alternative = (text: string, html: string, boundary = '000000000000a1b2c3') =>
  [
    `--${boundary}`,
    'Content-Type: text/plain; charset="UTF-8"',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    qp(text),
    '',
    `--${boundary}`,
    'Content-Type: text/html; charset="UTF-8"',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    qp(html),
    '',
    `--${boundary}--`,
    '',
  ].join('\n');
const reply = (t: Thread): Array<[string, string]> => [
  ['In-Reply-To', t.ourMessageId],
  ['References', t.ourMessageId],
];

export const FIXTURES: Fixture[] = [
  {
    name: 'Gmail: a reply, text and HTML, the history quoted under "On … wrote:"',
    build: (t, id) => ({
      raw: mail(
        [
          ...base(`Olga <${t.customer}>`, t.replyAddress, `Re: [${t.number}] A question`, id, reply(t)),
          ['Content-Type', 'multipart/alternative; boundary="000000000000a1b2c3"'],
        ],
        alternative(
          `Yes, it is still under warranty.\n\nOn Tue, Dec 1, 2026 at 9:00 AM Test Company <${t.company}> wrote:\n> Is the lid still under warranty?\n`,
          `<div dir="ltr">Yes, it is still under warranty.</div><br><div class="gmail_quote"><blockquote>Is the lid still under warranty?</blockquote></div>`,
        ),
      ),
    }),
    expected: { outcome: 'THREADED', by: 'REPLY_ADDRESS', text: 'Yes, it is still under warranty.', notText: 'Is the lid' },
  },
  {
    name: 'Gmail: a new mail, text and HTML',
    build: (t, id) => ({
      from: 'anna@gmail.example',
      raw: mail(
        [
          ...base('Anna <anna@gmail.example>', t.company, 'Kettle leaks', id),
          ['Content-Type', 'multipart/alternative; boundary="000000000000a1b2c3"'],
        ],
        alternative('My new kettle leaks from the bottom.', '<div dir="ltr">My new kettle leaks from the bottom.</div>'),
      ),
    }),
    expected: { outcome: 'NEW_COMPLAINT', text: 'My new kettle leaks from the bottom.', subject: 'Kettle leaks' },
  },
  {
    name: 'Outlook (German): "AW:", the history under "-----Ursprüngliche Nachricht-----", Thread-Index',
    build: (t, id) => ({
      raw: mail(
        [
          ...base(`"Müller, Hans" <${t.customer}>`, t.company, `AW: [${t.number}] Ihre Reklamation`, id, reply(t)),
          ['Thread-Index', 'AQHZ1234567890abcdef=='],
          ['Content-Type', 'text/plain; charset="iso-8859-1"'],
          ['Content-Transfer-Encoding', 'quoted-printable'],
        ],
        'Danke, das Ger=E4t ist abholbereit.\n\n-----Urspr=FCngliche Nachricht-----\nVon: Test Company\nGesendet: Dienstag, 1. Dezember 2026 09:00\nBetreff: Ihre Reklamation\n\nBitte senden Sie ein Foto.\n',
      ),
    }),
    expected: { outcome: 'THREADED', by: 'REFERENCES', text: 'Danke, das Gerät ist abholbereit.' },
  },
  {
    name: 'Outlook: "WG:" the customer forwards the company\'s mail to the company, the number in the subject, no references',
    build: (t, id) => ({
      raw: mail(
        [...base(t.customer, t.company, `WG: [${t.number}] Reply to your complaint`, id), ['Content-Type', 'text/plain; charset="utf-8"']],
        'Please see below, I still have no answer.\n\n________________________________\nVon: Test Company\nGesendet: Dienstag\nAn: me\n',
      ),
    }),
    expected: { outcome: 'THREADED', by: 'SUBJECT', text: 'Please see below, I still have no answer.' },
  },
  {
    name: 'Outlook: "RE:" with a "From: / Sent:" header block',
    build: (t, id) => ({
      raw: mail(
        [
          ...base(t.customer, t.company, `RE: [${t.number}] Reply to your complaint`, id, reply(t)),
          ['Content-Type', 'text/plain; charset="utf-8"'],
          ['X-MS-Has-Attach', ''],
          ['X-MS-TNEF-Correlator', ''],
        ],
        'The courier may come on Friday.\n\nFrom: Test Company <x@example.com>\nSent: Tuesday, December 1, 2026 9:00 AM\nTo: me\nSubject: Reply\n\nWhen may the courier come?\n',
      ),
    }),
    expected: { outcome: 'THREADED', by: 'REFERENCES', text: 'The courier may come on Friday.' },
  },
  {
    name: 'Outlook: "FW:" someone else forwards a mail naming the complaint\'s number',
    build: (t, id) => ({
      from: 'colleague@other.example',
      raw: mail(
        [
          ...base('colleague@other.example', t.company, `FW: [${t.number}] Reply to your complaint`, id),
          ['Content-Type', 'text/plain; charset="utf-8"'],
        ],
        'FYI, I have the same issue with my kettle.\n',
      ),
    }),
    expected: { outcome: 'NEW_COMPLAINT', text: 'I have the same issue', mentions: true },
  },
  {
    name: 'Apple Mail: a reply, quoted-printable, "On … at …, … wrote:"',
    build: (t, id) => ({
      raw: mail(
        [
          ...base(t.customer, t.replyAddress, `Re: [${t.number}] Decision`, id, reply(t)),
          ['Content-Type', 'text/plain; charset=utf-8'],
          ['Content-Transfer-Encoding', 'quoted-printable'],
          ['X-Mailer', 'Apple Mail (2.3774.300.61.1.2)'],
        ],
        qp('Thank you, that works for me.\n\n> On 1 Dec 2026, at 09:00, Test Company <x@example.com> wrote:\n> \n> We will refund you.\n'),
      ),
    }),
    expected: { outcome: 'THREADED', by: 'REPLY_ADDRESS', text: 'Thank you, that works for me.', notText: 'We will refund' },
  },
  {
    name: 'Thunderbird: format=flowed, "On 01.12.2026 09:00, … wrote:"',
    build: (t, id) => ({
      raw: mail(
        [
          ...base(t.customer, t.company, `Re: [${t.number}] Reply`, id, reply(t)),
          ['User-Agent', 'Mozilla Thunderbird'],
          ['Content-Type', 'text/plain; charset=UTF-8; format=flowed'],
          ['Content-Transfer-Encoding', '7bit'],
        ],
        'I attach nothing, the photo \nis on the portal.\n\nOn 01.12.2026 09:00, Test Company wrote:\n> Please send a photo.\n',
      ),
    }),
    expected: { outcome: 'THREADED', by: 'REFERENCES', text: 'the photo is on the portal.', notText: 'Please send' },
  },
  {
    name: 'Yandex / Thunderbird in Russian: windows-1251, the history quoted under "01.12.2026, 09:00, … :"',
    build: (t, id) => ({
      raw: mail(
        [
          ...base(t.customer, t.company, subjectB(`Re: [${t.number}] Вопрос`, 'windows-1251'), id, reply(t)),
          ['Content-Type', 'text/plain; charset=windows-1251'],
          ['Content-Transfer-Encoding', '8bit'],
        ],
        iconv.encode(
          'Да, чек сохранился.\r\n\r\n01.12.2026, 09:00, "Компания" <x@example.com>:\r\n> Сохранился ли чек?\r\n',
          'windows-1251',
        ),
      ),
    }),
    expected: { outcome: 'THREADED', by: 'REFERENCES', text: 'Да, чек сохранился.' },
  },
  {
    name: 'Mail.ru: "Re[2]:", koi8-r, base64',
    build: (t, id) => ({
      raw: mail(
        [
          ...base(t.customer, t.company, subjectB(`Re[2]: [${t.number}] Ответ`, 'koi8-r'), id, reply(t)),
          ['Content-Type', 'text/plain; charset=koi8-r'],
          ['Content-Transfer-Encoding', 'base64'],
        ],
        b64('Спасибо, жду курьера в пятницу.', 'koi8-r'),
      ),
    }),
    expected: { outcome: 'THREADED', by: 'REFERENCES', text: 'Спасибо, жду курьера в пятницу.' },
  },
  {
    name: 'iPhone: a new mail with "Sent from my iPhone"',
    build: (t, id) => ({
      from: 'ivan@icloud.example',
      raw: mail(
        [
          ...base('Ivan <ivan@icloud.example>', t.company, 'Scratched screen', id),
          ['Content-Type', 'text/plain; charset=us-ascii'],
          ['X-Mailer', 'iPhone Mail (21A329)'],
        ],
        'The screen came scratched.\n\nSent from my iPhone\n',
      ),
    }),
    expected: { outcome: 'NEW_COMPLAINT', text: 'The screen came scratched.', notText: 'Sent from my iPhone' },
  },
  {
    name: 'Android Gmail: an inline image in multipart/related',
    build: (t, id) => ({
      from: 'petr@gmail.example',
      raw: mail(
        [...base('petr@gmail.example', t.company, 'Photo of the damage', id), ['Content-Type', 'multipart/related; boundary="rel"']],
        [
          '--rel',
          'Content-Type: text/plain; charset="UTF-8"',
          '',
          'See the photo of the broken handle.',
          '',
          '--rel',
          'Content-Type: image/png; name="image.png"',
          'Content-Transfer-Encoding: base64',
          'Content-ID: <ii_abc>',
          'Content-Disposition: inline',
          '',
          Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]).toString('base64'),
          '',
          '--rel--',
          '',
        ].join('\n'),
      ),
    }),
    expected: { outcome: 'NEW_COMPLAINT', text: 'See the photo of the broken handle.' },
  },
  {
    name: 'A reply with a changed subject, threaded by References',
    build: (t, id) => ({
      raw: mail(
        [...base(t.customer, t.company, 'New question about the delivery', id, reply(t)), ['Content-Type', 'text/plain']],
        'Also, can you deliver to my office instead?\n',
      ),
    }),
    expected: { outcome: 'THREADED', by: 'REFERENCES', text: 'Also, can you deliver to my office instead?' },
  },
  {
    name: "A reply to the company's newsletter (references a mail that is not ours)",
    build: (t, id) => ({
      from: 'reader@example.org',
      raw: mail(
        [
          ...base('reader@example.org', t.company, 'Re: December offers', id, [
            ['In-Reply-To', '<newsletter-2026-12@news.example.com>'],
            ['References', '<newsletter-2026-12@news.example.com>'],
          ]),
          ['Content-Type', 'text/plain'],
        ],
        'My order from your offer never arrived.\n',
      ),
    }),
    expected: { outcome: 'NEW_COMPLAINT', text: 'My order from your offer never arrived.' },
  },
  {
    name: 'Outlook out-of-office ("Automatische Antwort:", X-Auto-Response-Suppress)',
    build: (t, id) => ({
      raw: mail(
        [
          ...base(t.customer, t.company, `Automatische Antwort: [${t.number}] Reply`, id, reply(t)),
          ['X-Auto-Response-Suppress', 'All'],
          ['Auto-Submitted', 'auto-generated'],
          ['Content-Type', 'text/plain'],
        ],
        'Ich bin bis 10.12. nicht im Büro.\n',
      ),
    }),
    expected: { outcome: 'AUTOMATIC' },
  },
  {
    name: 'Gmail vacation responder (Auto-Submitted: auto-replied)',
    build: (t, id) => ({
      raw: mail(
        [
          ...base(t.customer, t.company, `Re: [${t.number}] Reply`, id, reply(t)),
          ['Auto-Submitted', 'auto-replied'],
          ['Content-Type', 'text/plain'],
        ],
        'I am on vacation until Monday.\n',
      ),
    }),
    expected: { outcome: 'AUTOMATIC' },
  },
  {
    name: 'Precedence: junk',
    build: (t, id) => ({
      from: 'promo@spam.example',
      raw: mail(
        [...base('promo@spam.example', t.company, 'Win a prize', id, [['Precedence', 'junk']]), ['Content-Type', 'text/plain']],
        'Click here.\n',
      ),
    }),
    expected: { outcome: 'AUTOMATIC' },
  },
  {
    name: 'A mailing list post (List-Id, List-Unsubscribe)',
    build: (t, id) => ({
      from: 'list@lists.example',
      raw: mail(
        [
          ...base('list@lists.example', t.company, '[kettles] Weekly digest', id, [
            ['List-Id', '<kettles.lists.example>'],
            ['List-Unsubscribe', '<mailto:leave@lists.example>'],
          ]),
          ['Content-Type', 'text/plain'],
        ],
        'Digest.\n',
      ),
    }),
    expected: { outcome: 'AUTOMATIC' },
  },
  {
    name: 'Postfix delivery report (DSN)',
    build: (t, id) => ({
      from: '',
      raw: mail(
        [
          ...base('MAILER-DAEMON@mx.example.com (Mail Delivery System)', t.company, 'Undelivered Mail Returned to Sender', id),
          ['Auto-Submitted', 'auto-replied'],
          ['Content-Type', 'multipart/report; report-type=delivery-status; boundary="B1"'],
        ],
        [
          '--B1',
          'Content-Description: Notification',
          'Content-Type: text/plain; charset=us-ascii',
          '',
          "I'm sorry to have to inform you that your message could not be delivered.",
          '',
          '--B1',
          'Content-Description: Delivery report',
          'Content-Type: message/delivery-status',
          '',
          'Reporting-MTA: dns; mx.example.com',
          '',
          'Final-Recipient: rfc822; nobody@example.com',
          'Action: failed',
          'Status: 5.1.1',
          '',
          '--B1',
          'Content-Description: Undelivered Message Headers',
          'Content-Type: text/rfc822-headers',
          '',
          `Message-ID: ${t.ourMessageId}`,
          '',
          '--B1--',
          '',
        ].join('\n'),
      ),
    }),
    expected: { outcome: 'BOUNCE' },
  },
  {
    name: 'Exchange non-delivery report (multipart/report without Auto-Submitted)',
    build: (t, id) => ({
      from: '',
      raw: mail(
        [
          ...base('postmaster@outlook.example', t.company, 'Undeliverable: Reply to your complaint', id),
          ['Content-Type', 'multipart/report; report-type=delivery-status; boundary="B2"'],
        ],
        [
          '--B2',
          'Content-Type: text/plain; charset=us-ascii',
          '',
          'Delivery has failed to these recipients or groups.',
          '',
          '--B2',
          'Content-Type: message/delivery-status',
          '',
          'Reporting-MTA: dns;outlook.example',
          '',
          'Final-Recipient: rfc822;x@example.com',
          'Action: failed',
          'Status: 5.2.2',
          '',
          '--B2--',
          '',
        ].join('\n'),
      ),
    }),
    expected: { outcome: 'BOUNCE' },
  },
  {
    name: 'An RFC 2047 Q-encoded UTF-8 subject',
    build: (t, id) => ({
      from: 'maria@example.net',
      raw: mail(
        [
          ...base(
            'maria@example.net',
            t.company,
            '=?UTF-8?Q?=D0=A1=D0=BB=D0=BE=D0=BC=D0=B0=D0=BD=D0=B0_=D1=80=D1=83=D1=87=D0=BA=D0=B0?=',
            id,
          ),
          ['Content-Type', 'text/plain; charset=utf-8'],
        ],
        'Ручка отвалилась через день.\n',
      ),
    }),
    expected: { outcome: 'NEW_COMPLAINT', text: 'Ручка отвалилась через день.', subject: 'Сломана ручка' },
  },
  {
    name: 'Outlook HTML-only with styles and a tracking pixel',
    build: (t, id) => ({
      from: 'boss@corp.example',
      raw: mail(
        [...base('boss@corp.example', t.company, 'Damaged pallet', id), ['Content-Type', 'text/html; charset="utf-8"']],
        '<html><head><style>p{color:red}</style></head><body><p class="MsoNormal">Three boxes on the pallet were <b>crushed</b>.</p><img src="https://t.example/p.gif"><script>x()</script></body></html>',
      ),
    }),
    expected: { outcome: 'NEW_COMPLAINT', text: 'Three boxes on the pallet were crushed.', notText: '<' },
  },
  {
    name: 'A subject and no text',
    build: (t, id) => ({
      from: 'terse@example.net',
      raw: mail([...base('terse@example.net', t.company, 'Refund for order 5531 please', id), ['Content-Type', 'text/plain']], ''),
    }),
    expected: { outcome: 'NEW_COMPLAINT', text: 'Refund for order 5531 please' },
  },
  {
    name: 'A stranger names the number in the text, not the subject',
    build: (t, id) => ({
      from: 'stranger@example.net',
      raw: mail(
        [...base('stranger@example.net', t.company, 'Same as my neighbour', id), ['Content-Type', 'text/plain']],
        `My neighbour's complaint ${t.number} is about the same kettle as mine.\n`,
      ),
    }),
    expected: { outcome: 'NEW_COMPLAINT', text: 'is about the same kettle', mentions: true },
  },
  {
    name: 'The customer answers from another address through the reply address',
    build: (t, id) => ({
      from: 'work-address@corp.example',
      raw: mail(
        [...base('work-address@corp.example', t.replyAddress, 'Re: reply', id), ['Content-Type', 'text/plain']],
        'Writing from my work address: Friday is fine.\n',
      ),
    }),
    expected: { outcome: 'THREADED', by: 'REPLY_ADDRESS', text: 'Writing from my work address: Friday is fine.' },
  },
  {
    name: "Gmail: a third party forwards the customer's mail to the company, References kept, no number anywhere",
    build: (t, id) => ({
      from: 'neighbour@gmail.example',
      raw: mail(
        [
          ...base('Neighbour <neighbour@gmail.example>', t.company, 'Fwd: about the kettle', id, reply(t)),
          ['Content-Type', 'text/plain; charset="UTF-8"'],
        ],
        'Please look at my kettle too, it is the same model.\n\n---------- Forwarded message ---------\nFrom: Olga\nSubject: Re: about the kettle\n\nIt still leaks.\n',
      ),
    }),
    expected: { outcome: 'NEW_COMPLAINT', text: 'Please look at my kettle too', mentions: true },
  },
  {
    name: 'Outlook: a colleague of the customer replies from another address, In-Reply-To and References kept',
    build: (t, id) => ({
      from: 'colleague@corp.example',
      raw: mail(
        [
          ...base('"Petrov, Ivan" <colleague@corp.example>', t.company, `RE: [${t.number}] A question`, id, reply(t)),
          ['Content-Type', 'text/plain; charset="utf-8"'],
        ],
        'I am answering for Olga: the receipt is attached to her order.\n',
      ),
    }),
    expected: { outcome: 'NEW_COMPLAINT', text: 'I am answering for Olga', mentions: true },
  },
];
