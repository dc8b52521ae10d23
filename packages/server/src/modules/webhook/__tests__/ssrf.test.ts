import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { isForbiddenAddress } from '../ssrf.js';
import { newWebhookSecret, signatureHeader, signWebhook } from '../signature.js';
import { webhookEventOf, WebhookEventType } from '../webhook.events.js';

describe('addresses a webhook may not reach', () => {
  it.each([
    '127.0.0.1',
    '127.8.9.10',
    '10.0.0.1',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.0.0.1',
    '::ffff:a9fe:a9fe',
    '::127.0.0.1',
    '64:ff9b::7f00:1',
    'fc00::1',
    'fd12:3456::1',
    'fe80::1',
    'fe80::1%eth0',
    'ff02::1',
    '2001:db8::1',
    'not an address',
  ])('refuses %s', (ip) => expect(isForbiddenAddress(ip)).toBe(true));

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700::1111', '::ffff:93.184.216.34', '64:ff9b::808:808'])('allows %s', (ip) => {
    expect(isForbiddenAddress(ip)).toBe(false);
  });
});

describe('signatures', () => {
  it('are those of the official Standard Webhooks library', () => {
    const secret = newWebhookSecret();
    const at = new Date(1_764_000_000_000);
    const body = '{"type":"complaint.received","data":{}}';
    expect(signWebhook(secret, 'evt_1', at.getTime() / 1000, body)).toBe(new Webhook(secret).sign('evt_1', at, body));
  });

  it('verify with either secret during a rotation', () => {
    const [old, fresh] = [newWebhookSecret(), newWebhookSecret()];
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = {
      'webhook-id': 'evt_2',
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signatureHeader([fresh, old], 'evt_2', timestamp, '{}'),
    };
    for (const s of [old, fresh]) expect(new Webhook(s).verify('{}', headers)).toEqual({});
    expect(() => new Webhook(newWebhookSecret()).verify('{}', headers)).toThrow();
  });
});

describe('webhook event types', () => {
  it('follow the timeline entries; internal notes and other entries send nothing', () => {
    expect(webhookEventOf('MESSAGE_ADDED', { visibility: 'INTERNAL' }, {})).toBeNull();
    expect(webhookEventOf('MESSAGE_ADDED', { visibility: 'PUBLIC' }, {})).toBe(WebhookEventType.PUBLIC_MESSAGE);
    expect(webhookEventOf('SLA_BREACHED', {}, { target: 'LEGAL' })).toBe(WebhookEventType.LEGAL_DEADLINE_BREACHED);
    expect(webhookEventOf('SLA_BREACHED', {}, { target: 'STAGE' })).toBe(WebhookEventType.SLA_BREACHED);
    expect(webhookEventOf('LINKED', {}, {})).toBeNull();
  });
});
