// A local stand-in for Stripe, for the payment journeys: the REST API calls the server makes
// (Checkout Sessions, Prices; form-encoded, bearer secret key, Idempotency-Key), Stripe.js with
// the surface the app uses (`Stripe(key)`, `initEmbeddedCheckout({fetchClientSecret})`,
// `mount`, `destroy`; completion by sending the top window to the session's return URL), the
// Checkout frame a person pays in, and webhook deliveries signed by Stripe's own library.
import { createServer } from "node:http";
import Stripe from "stripe";

const signer = new Stripe("sk_test_unused");

/// `webhook`: where events are delivered; `secret`: the endpoint's signing secret.
export function stripeStandIn({ secretKey, webhookSecret, prices }) {
  const sessions = new Map();
  const byIdempotencyKey = new Map();
  const requests = [];
  let webhookUrl = null;
  let events = 0;
  let origin = "";

  async function deliver(type, object) {
    const payload = JSON.stringify({
      id: `evt_standin_${++events}`,
      object: "event",
      type,
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      data: { object },
    });
    const header = signer.webhooks.generateTestHeaderString({ payload, secret: webhookSecret });
    const response = await fetch(webhookUrl, {
      method: "POST",
      headers: { "content-type": "application/json", "stripe-signature": header },
      body: payload,
    });
    if (!response.ok) throw new Error(`the webhook answered ${response.status}: ${await response.text()}`);
  }

  const stripeJs = () => `
(() => {
  const origin = ${JSON.stringify(origin)};
  window.Stripe = (key) => {
    if (!/^pk_(test|live)_/.test(key)) throw new Error("Invalid API Key provided: " + key);
    return {
      initEmbeddedCheckout: async ({ fetchClientSecret }) => {
        const secret = await fetchClientSecret();
        let frame = null;
        const done = (event) => {
          if (event.origin !== origin || event.source !== frame?.contentWindow) return;
          if (event.data?.type === "checkout-complete") window.location.assign(event.data.returnUrl);
        };
        return {
          mount(target) {
            const host = typeof target === "string" ? document.querySelector(target) : target;
            if (!host) throw new Error("mount: no such element");
            if (frame) throw new Error("This Checkout is already mounted.");
            frame = document.createElement("iframe");
            frame.title = "Secure payment input frame";
            frame.src = origin + "/checkout/frame?secret=" + encodeURIComponent(secret) + "&key=" + encodeURIComponent(key);
            frame.allow = "payment *";
            host.append(frame);
            addEventListener("message", done);
          },
          destroy() {
            removeEventListener("message", done);
            frame?.remove();
            frame = null;
          },
        };
      },
    };
  };
})();`;

  const page = (body) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Checkout</title>
<style>body{font-family:sans-serif;margin:1rem;color:#111;background:#fff}button{display:block;margin:.5rem 0;padding:.6rem 1rem;font:inherit}</style>
</head><body>${body}</body></html>`;

  const server = createServer(async (req, res) => {
    const url = new URL(req.url, "http://x");
    let body = "";
    for await (const chunk of req) body += chunk;
    requests.push({ method: req.method, path: url.pathname, body, headers: req.headers });
    const json = (status, value) =>
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
    const html = (value) => res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(value);

    if (req.method === "GET" && url.pathname === "/v3/") {
      return res.writeHead(200, { "content-type": "text/javascript" }).end(stripeJs());
    }
    if (url.pathname === "/checkout/frame" && req.method === "GET") {
      const session = [...sessions.values()].find((s) => s.client_secret === url.searchParams.get("secret"));
      if (!session) return html(page("<p>This checkout is not valid.</p>"));
      const amount = (session.amount_total / 100).toFixed(2);
      return html(page(`<h1>Pay ${amount} ${session.currency.toUpperCase()}</h1>
<form method="post" action="/checkout/pay">
<input type="hidden" name="session" value="${session.id}">
<button name="method" value="card">Pay with card</button>
<button name="method" value="bank">Pay by bank debit</button>
</form>`));
    }
    if (url.pathname === "/checkout/pay" && req.method === "POST") {
      const form = new URLSearchParams(body);
      const session = sessions.get(form.get("session"));
      if (!session || session.status !== "open") return html(page("<p>This checkout is closed.</p>"));
      session.status = "complete";
      session.payment_intent = `pi_standin_${session.id.split("_").pop()}`;
      session.payment_status = form.get("method") === "card" ? "paid" : "unpaid";
      await deliver("checkout.session.completed", session);
      const returnUrl = session.return_url.replace("{CHECKOUT_SESSION_ID}", session.id);
      return html(page(`<p>Done.</p><script>parent.postMessage(${JSON.stringify({ type: "checkout-complete", returnUrl })}, "*");</script>`));
    }

    // The REST API: the secret key or nothing.
    if (req.headers.authorization !== `Bearer ${secretKey}`) {
      return json(401, { error: { type: "invalid_request_error", message: "Invalid API Key provided" } });
    }
    const price = url.pathname.match(/^\/v1\/prices\/([A-Za-z0-9_]+)$/);
    if (req.method === "GET" && price) {
      const found = prices[price[1]];
      return found
        ? json(200, { id: price[1], object: "price", ...found })
        : json(404, { error: { type: "invalid_request_error", code: "resource_missing", message: "No such price" } });
    }
    if (req.method === "POST" && url.pathname === "/v1/checkout/sessions") {
      const key = req.headers["idempotency-key"];
      if (key && byIdempotencyKey.has(key)) return json(200, byIdempotencyKey.get(key));
      const form = new URLSearchParams(body);
      const chosen = prices[form.get("line_items[0][price]")];
      if (!chosen || form.get("ui_mode") !== "embedded") {
        return json(400, { error: { type: "invalid_request_error", message: "Invalid checkout request" } });
      }
      const id = `cs_test_standin_${sessions.size + 1}`;
      const metadata = {};
      for (const [name, value] of form) {
        const field = name.match(/^metadata\[(.+)\]$/);
        if (field) metadata[field[1]] = value;
      }
      const session = {
        id,
        object: "checkout.session",
        client_secret: `${id}_secret_standin`,
        client_reference_id: form.get("client_reference_id"),
        mode: form.get("mode"),
        status: "open",
        payment_status: "unpaid",
        payment_intent: null,
        amount_total: chosen.unit_amount,
        currency: chosen.currency,
        return_url: form.get("return_url"),
        metadata,
      };
      sessions.set(id, session);
      if (key) byIdempotencyKey.set(key, session);
      return json(200, session);
    }
    const retrieve = url.pathname.match(/^\/v1\/checkout\/sessions\/([A-Za-z0-9_]+)$/);
    if (req.method === "GET" && retrieve) {
      const session = sessions.get(retrieve[1]);
      return session
        ? json(200, session)
        : json(404, { error: { type: "invalid_request_error", code: "resource_missing", message: "No such session" } });
    }
    json(404, { error: { type: "invalid_request_error", message: `Unrecognized request URL (${req.method}: ${url.pathname})` } });
  });

  return {
    server,
    requests,
    sessions,
    async listen() {
      await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
      origin = `http://127.0.0.1:${server.address().port}`;
      return origin;
    },
    deliverTo(url) {
      webhookUrl = url;
    },
    /// What Stripe sends when a delayed payment (a bank debit) fails in the end.
    failDelayedPayment: (id) => {
      const session = sessions.get(id);
      return deliver("checkout.session.async_payment_failed", session);
    },
    /// What Stripe sends when the operator refunds a payment from the dashboard.
    refund: (id) => {
      const session = sessions.get(id);
      return deliver("charge.refunded", {
        id: `ch_standin_${id}`,
        object: "charge",
        payment_intent: session.payment_intent,
        refunded: true,
        amount_refunded: session.amount_total,
      });
    },
    close: () => new Promise((ok) => server.close(ok)),
  };
}
