// Stripe's Node SDK against `token-validate serve --mock`: every token kind and the usual
// errors, checked on the SDK's own objects. Run by run.sh (BASE_URL set, SDK_NODE_DIR the
// folder where the pinned `stripe` package is installed). Prints one line per case and a
// summary; exits 1 on any failure.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(`${process.env.SDK_NODE_DIR}/`);
const Stripe = require('stripe');
const { version } = JSON.parse(
  readFileSync(`${process.env.SDK_NODE_DIR}/node_modules/stripe/package.json`, 'utf8'),
);

const base = new URL(process.env.BASE_URL);
const BUNDLED = process.env.BUNDLED_VERSION;
const KEY = 'sk_test_4eC39HqLyjWDarjtT1zdp7dc';

// The lines an application changes to use `serve`:
const stripe = new Stripe(KEY, {
  host: base.hostname,
  port: Number(base.port),
  protocol: base.protocol.replace(':', ''),
  maxNetworkRetries: 0,
});

const results = [];
async function test(name, fn) {
  try {
    await fn();
    results.push([name, null]);
    console.log(`ok   ${name}`);
  } catch (e) {
    results.push([name, e]);
    console.log(`FAIL ${name}: ${e && e.stack ? e.stack.split('\n').slice(0, 3).join(' | ') : e}`);
  }
}
function expect(cond, what) {
  if (!cond) throw new Error(`expected: ${typeof what === 'string' ? what : JSON.stringify(what)}`);
}
async function rejects(cls, promise) {
  try {
    await promise;
  } catch (e) {
    expect(e instanceof cls, `${cls.name}, got ${e && e.constructor && e.constructor.name}: ${e && e.message}`);
    return e;
  }
  throw new Error(`expected ${cls.name}`);
}
// serve reads today's date from the clock: the expiry is derived from it (five years ahead,
// in UTC as serve counts), so the valid cards stay valid whatever the year.
const EXP_YEAR = new Date().getUTCFullYear() + 5;
const card = (number = '4242424242424242', extra = {}) => ({
  number, exp_month: 12, exp_year: EXP_YEAR, cvc: '123', ...extra,
});
const E = Stripe.errors;

await test('card token: card.last4, brand, exp as integers, livemode, requestId', async () => {
  const t = await stripe.tokens.create({ card: card('4242424242424242', { name: 'Jenny Rosen', address_zip: '94107' }) });
  expect(t.id.startsWith('tok_') && t.object === 'token' && t.type === 'card', t.id);
  expect(t.card.last4 === '4242' && t.card.brand === 'Visa', t.card);
  expect(t.card.exp_month === 12 && t.card.exp_year === EXP_YEAR, t.card);
  expect(t.card.funding === 'credit' && t.card.country === 'US', t.card);
  expect(t.card.address_zip === '94107' && t.card.name === 'Jenny Rosen', t.card);
  expect(t.livemode === false && t.used === false && Number.isInteger(t.created), t);
  expect(t.lastResponse.requestId.startsWith('req_'), t.lastResponse);
  expect(t.lastResponse.statusCode === 200, t.lastResponse.statusCode);
});

await test('card tokens of other brands', async () => {
  for (const [number, brand] of [
    ['5555555555554444', 'MasterCard'], ['378282246310005', 'American Express'],
    ['6011111111111117', 'Discover'], ['3056930009020004', 'Diners Club'],
    ['3566002020360505', 'JCB'], ['6200000000000005', 'UnionPay'],
  ]) {
    const cvc = brand === 'American Express' ? '1234' : '123';
    const t = await stripe.tokens.create({ card: card(number, { cvc }) });
    expect(t.card.brand === brand && t.card.last4 === number.slice(-4), [brand, t.card]);
  }
});

await test('bank_account token', async () => {
  const t = await stripe.tokens.create({
    bank_account: {
      country: 'US', currency: 'usd', account_holder_name: 'Jenny Rosen',
      account_holder_type: 'individual', routing_number: '110000000', account_number: '000123456789',
    },
  });
  expect(t.id.startsWith('btok_') && t.type === 'bank_account', t.id);
  const ba = t.bank_account;
  expect(ba.last4 === '6789' && ba.routing_number === '110000000' && ba.status === 'new', ba);
  expect(ba.bank_name === 'STRIPE TEST BANK' && ba.currency === 'usd', ba);
});

await test('cvc_update token', async () => {
  const t = await stripe.tokens.create({ cvc_update: { cvc: '123' } });
  expect(t.id.startsWith('cvctok_') && t.type === 'cvc_update', t);
});

await test('pii token', async () => {
  const t = await stripe.tokens.create({ pii: { id_number: '000000000' } });
  expect(t.id.startsWith('pii_') && t.type === 'pii', t);
});

await test('person token', async () => {
  const t = await stripe.tokens.create({ person: { first_name: 'Jane', last_name: 'Doe', relationship: { owner: true } } });
  expect(t.id.startsWith('cpt_') && t.type === 'person', t);
});

await test('account token', async () => {
  const t = await stripe.tokens.create({
    account: { business_type: 'individual', individual: { first_name: 'Jane', last_name: 'Doe' }, tos_shown_and_accepted: true },
  });
  expect(t.id.startsWith('ct_') && t.type === 'account', t);
});

await test("account token with account[company][physical_address] (2026-10-28.endive), at the SDK's own version", async () => {
  const t = await stripe.tokens.create({
    account: {
      business_type: 'company',
      company: {
        name: 'Acme',
        physical_address: { line1: '1 Main St', city: 'Springfield', postal_code: '12345', country: 'US' },
      },
    },
  });
  expect(t.id.startsWith('ct_') && t.type === 'account', t);
  const h = t.lastResponse.headers;
  // 23.2.0 sends 2026-11-18.endive, the spec's own version.
  expect(['bundled', 'older'].includes(h['token-preflight-version-policy']), h);
  expect(h['token-preflight-warnings'] === undefined, h);
});

await test("card[zip] at the SDK's own version: StripeInvalidRequestError parameter_unknown", async () => {
  const e = await rejects(E.StripeInvalidRequestError,
    stripe.tokens.create({ card: card(undefined, { zip: '94107' }) }));
  expect(e.code === 'parameter_unknown' && e.param === 'card[zip]' && e.statusCode === 400, [e.code, e.param]);
});

await test("a top-level amount at the SDK's own version: StripeInvalidRequestError parameter_unknown", async () => {
  const e = await rejects(E.StripeInvalidRequestError,
    stripe.tokens.create({ card: card(), amount: 100 }));
  expect(e.code === 'parameter_unknown' && e.param === 'amount', [e.code, e.param]);
});

await test('card[zip] at a version newer than the spec: still parameter_unknown, saying how to relax it', async () => {
  const e = await rejects(E.StripeInvalidRequestError,
    stripe.tokens.create({ card: card(undefined, { zip: '94107' }) }, { apiVersion: '2099-01-01.zeta' }));
  expect(e.code === 'parameter_unknown' && e.param === 'card[zip]', [e.code, e.param]);
  expect(e.message.includes('--unknown-version lenient') && e.message.includes(BUNDLED), e.message);
});

await test('incorrect_number: StripeCardError, code, param, statusCode, requestId', async () => {
  const e = await rejects(E.StripeCardError, stripe.tokens.create({ card: card('4242424242424241') }));
  expect(e.type === 'StripeCardError' && e.code === 'incorrect_number' && e.param === 'number', [e.code, e.param]);
  expect(e.statusCode === 402 && e.requestId.startsWith('req_'), [e.statusCode, e.requestId]);
  expect(!JSON.stringify(e.raw).includes('4242424242424241'), 'number echoed');
});

await test('invalid_expiry_month: StripeCardError', async () => {
  const e = await rejects(E.StripeCardError, stripe.tokens.create({ card: card(undefined, { exp_month: 13 }) }));
  expect(e.code === 'invalid_expiry_month' && e.param === 'exp_month', e.code);
});

await test('invalid_expiry_year (past): StripeCardError', async () => {
  const e = await rejects(E.StripeCardError, stripe.tokens.create({ card: card(undefined, { exp_year: 2020 }) }));
  expect(e.code === 'invalid_expiry_year', e.code);
});

await test('invalid_cvc: StripeCardError', async () => {
  const e = await rejects(E.StripeCardError, stripe.tokens.create({ card: card(undefined, { cvc: '99' }) }));
  expect(e.code === 'invalid_cvc' && e.param === 'cvc', e.code);
});

await test('missing exp_month: StripeInvalidRequestError parameter_missing card[exp_month]', async () => {
  const c = card();
  delete c.exp_month;
  const e = await rejects(E.StripeInvalidRequestError, stripe.tokens.create({ card: c }));
  expect(e.code === 'parameter_missing' && e.param === 'card[exp_month]' && e.statusCode === 400, [e.code, e.param]);
});

await test('unknown parameter at the bundled version: parameter_unknown', async () => {
  const e = await rejects(E.StripeInvalidRequestError,
    stripe.tokens.create({ card: card(undefined, { colour: 'red' }) }, { apiVersion: BUNDLED }));
  expect(e.code === 'parameter_unknown' && e.param === 'card[colour]', [e.code, e.param]);
});

await test('routing number checksum: StripeInvalidRequestError', async () => {
  const e = await rejects(E.StripeInvalidRequestError, stripe.tokens.create({
    bank_account: { country: 'US', routing_number: '110000001', account_number: '000123456789' },
  }));
  expect(e.param === 'bank_account[routing_number]', e.param);
});

await test('person token with a live secret key: StripeInvalidRequestError', async () => {
  const e = await rejects(E.StripeInvalidRequestError,
    stripe.tokens.create({ person: { first_name: 'J' } }, { apiKey: 'sk_live_4eC39HqLyjWDarjtT1zdp7dc' }));
  expect(e.statusCode === 400, e.statusCode);
});

await test('bad API key: StripeAuthenticationError 401', async () => {
  const e = await rejects(E.StripeAuthenticationError,
    stripe.tokens.create({ card: card() }, { apiKey: 'sk_test_bad-key' }));
  expect(e.statusCode === 401 && !e.message.includes('bad-key'), e.message);
});

await test('idempotent replay: same key, same params, same token; other params: StripeIdempotencyError', async () => {
  const a = await stripe.tokens.create({ card: card() }, { idempotencyKey: 'node-order-1' });
  const b = await stripe.tokens.create({ card: card() }, { idempotencyKey: 'node-order-1' });
  expect(a.id === b.id && a.card.fingerprint === b.card.fingerprint, [a.id, b.id]);
  expect(b.lastResponse.idempotencyKey === 'node-order-1', b.lastResponse);
  expect(b.lastResponse.headers['idempotent-replayed'] === 'true', 'not marked as a replay');
  const e = await rejects(E.StripeIdempotencyError,
    stripe.tokens.create({ card: card('5555555555554444') }, { idempotencyKey: 'node-order-1' }));
  expect(e.statusCode === 400 && e.message.includes('node-order-1'), e.message);
});

await test('an unknown URL: StripeInvalidRequestError 404', async () => {
  const e = await rejects(E.StripeInvalidRequestError, stripe.tokens.retrieve('tok_123'));
  expect(e.statusCode === 404, e.statusCode);
});

const failed = results.filter(([, e]) => e !== null).length;
console.log(`node stripe ${version}: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
