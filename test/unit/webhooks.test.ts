import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { secretKey, sign, standardHeaders } from '../../lib/notify/standard.js';
import { targetName } from '../../lib/notify/status.js';

test('signatures match the example published with the Standard Webhooks specification', () => {
  const key = secretKey('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
  assert.is(sign(key, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}'), 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  const h = standardHeaders(key, 'msg_p5jXN8AQM9LWM0D4loKWxJek', '{"test": 2432232314}', 1614265330_999);
  assert.equal(h, { 'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek', 'webhook-timestamp': '1614265330', 'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=' });
});

test('a secret is base64 with or without the whsec_ prefix; anything else is refused', () => {
  assert.equal(secretKey('whsec_AAEC'), Buffer.from([0, 1, 2]));
  assert.equal(secretKey('AAEC'), Buffer.from([0, 1, 2]));
  for (const bad of ['whsec_', 'whsec_not base64!', 'plain-text-secret', 'whsec_A']) assert.throws(() => secretKey(bad), /not base64/, bad);
});

test('webhook targets are named without path, query or credentials (a Slack URL path is its secret)', () => {
  assert.is(targetName(0, 'https://user:pw@hooks.slack.com/services/T0/B0/XyZ?x=1'), 'settings.webhooks[0] (https://hooks.slack.com)');
  assert.is(targetName(2, 'env:SLACK_URL'), 'settings.webhooks[2] (env:SLACK_URL)');
});

test.run();
