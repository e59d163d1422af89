// Settings written at deploy (config.json beside index.html), not baked into the build.
export interface AppConfig {
  /// Where preview and published sites are served: another host, so a site never shares the
  /// app's cookies or storage.
  sitesUrl: string;
  /// Published sites are at `https://{slug}.{sitesDomain}/` when set, else `{sitesUrl}{slug}/`.
  sitesDomain: string | null;
  /// The themes a site can have, with a line about each.
  themes: { name: string; description: string }[];
  /// Sign-in providers that are configured ("google", "github").
  oauthProviders: string[];
  stripePublishableKey: string | null;
  /// Where Stripe.js is loaded from, on the payment screen only (Stripe's own address).
  stripeJsUrl: string;
}

export async function loadConfig(): Promise<AppConfig> {
  const response = await fetch('/config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`config.json answered ${response.status}`);
  return (await response.json()) as AppConfig;
}
