// Stripe.js, loaded on the payment screen only and from the address config.json names (Stripe's
// own, which its terms require; a local stand-in in the browser tests). Only the embedded
// Checkout surface we use is typed.
export interface EmbeddedCheckout {
  mount(target: string | HTMLElement): void;
  destroy(): void;
}

export interface StripeJs {
  initEmbeddedCheckout(options: { fetchClientSecret: () => Promise<string> }): Promise<EmbeddedCheckout>;
}

type StripeFactory = (publishableKey: string) => StripeJs;

declare global {
  interface Window {
    Stripe?: StripeFactory;
  }
}

let loading: Promise<StripeFactory> | null = null;

export function loadStripe(url: string): Promise<StripeFactory> {
  if (window.Stripe) return Promise.resolve(window.Stripe);
  loading ??= new Promise<StripeFactory>((resolve, reject) => {
    const script = document.createElement('script');
    script.src = url;
    script.async = true;
    script.addEventListener('load', () =>
      window.Stripe ? resolve(window.Stripe) : reject(new Error('Stripe.js did not start.')),
    );
    script.addEventListener('error', () => {
      loading = null;
      script.remove();
      reject(new Error('The payment form could not be loaded. Check your connection and try again.'));
    });
    document.head.append(script);
  });
  return loading;
}
