// Signs a Stripe webhook payload with Stripe's own library, as Stripe would deliver it.
// usage: node sign.mjs SECRET TIMESTAMP < payload   -> prints the Stripe-Signature header
import { readFileSync } from 'node:fs';
import Stripe from 'stripe';

const [secret, timestamp] = process.argv.slice(2);
const payload = readFileSync(0, 'utf8');
const stripe = new Stripe('sk_test_unused');
process.stdout.write(stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp: Number(timestamp) }));
