//! Payment settings, read once at cold start: Stripe's API address, the plans and their
//! prices, where embedded Checkout returns to. Secrets (the API key, the webhook signing
//! secrets) come from the Secrets port, never from here.

use url::Url;

/// Stripe's Checkout mode for a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// One charge.
    Payment,
    /// A recurring price.
    Subscription,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Payment => "payment",
            Self::Subscription => "subscription",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// What the client asks for: `one_time` or `yearly`.
    pub name: &'static str,
    /// The Stripe Price id (`price_...`).
    pub price: String,
    pub mode: Mode,
}

#[derive(Debug, Clone)]
pub struct PaymentSettings {
    /// `https://api.stripe.com/` in production; a local server in tests.
    pub api_base: Url,
    pub plans: Vec<Plan>,
    /// Where embedded Checkout sends the person back; Stripe replaces `{CHECKOUT_SESSION_ID}`.
    pub return_url: String,
}

impl PaymentSettings {
    /// From `R2W_STRIPE_API_BASE`, `R2W_STRIPE_PRICE_ONE_TIME`, `R2W_STRIPE_PRICE_YEARLY` (a
    /// recurring price; the plan is offered only when set) and `R2W_CHECKOUT_RETURN_URL`
    /// (default: the public URL's `/checkout/return?session_id={CHECKOUT_SESSION_ID}`).
    pub fn from_vars(vars: impl IntoIterator<Item = (String, String)>, public_url: &Url) -> Result<Self, String> {
        let vars: std::collections::HashMap<String, String> =
            vars.into_iter().filter(|(k, v)| k.starts_with("R2W_") && !v.trim().is_empty()).collect();
        let mut problems = Vec::new();
        let api_base = match vars.get("R2W_STRIPE_API_BASE").map(|v| Url::parse(v)) {
            None => Url::parse("https://api.stripe.com/").map_err(|e| e.to_string())?,
            Some(Ok(url)) if matches!(url.scheme(), "http" | "https") => url,
            Some(_) => {
                problems.push("R2W_STRIPE_API_BASE must be an http(s) URL".to_owned());
                Url::parse("https://api.stripe.com/").map_err(|e| e.to_string())?
            }
        };
        let mut plans = Vec::new();
        for (name, var, mode) in [
            ("one_time", "R2W_STRIPE_PRICE_ONE_TIME", Mode::Payment),
            ("yearly", "R2W_STRIPE_PRICE_YEARLY", Mode::Subscription),
        ] {
            match vars.get(var) {
                Some(price)
                    if price.starts_with("price_") && price.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') =>
                {
                    plans.push(Plan { name, price: price.clone(), mode })
                }
                Some(_) => problems.push(format!("{var} must be a Stripe price id (price_...)")),
                None => {}
            }
        }
        let return_url = match vars.get("R2W_CHECKOUT_RETURN_URL") {
            Some(url) if Url::parse(url).is_ok() => url.clone(),
            Some(_) => {
                problems.push("R2W_CHECKOUT_RETURN_URL must be a URL".to_owned());
                String::new()
            }
            None => format!("{}checkout/return?session_id={{CHECKOUT_SESSION_ID}}", with_slash(public_url)),
        };
        if problems.is_empty() { Ok(Self { api_base, plans, return_url }) } else { Err(problems.join("; ")) }
    }

    pub fn plan(&self, name: &str) -> Option<&Plan> {
        self.plans.iter().find(|p| p.name == name)
    }
}

fn with_slash(url: &Url) -> String {
    let url = url.as_str();
    if url.ends_with('/') { url.to_owned() } else { format!("{url}/") }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn plans_come_from_configured_prices_only() {
        let public = Url::parse("https://r2w.example").expect("url");
        let settings =
            PaymentSettings::from_vars(vars(&[("R2W_STRIPE_PRICE_ONE_TIME", "price_123")]), &public).expect("settings");
        assert_eq!(settings.plan("one_time").map(|p| (p.price.as_str(), p.mode)), Some(("price_123", Mode::Payment)));
        assert!(settings.plan("yearly").is_none(), "no recurring price, no subscription plan");
        assert_eq!(settings.api_base.as_str(), "https://api.stripe.com/");
        assert_eq!(settings.return_url, "https://r2w.example/checkout/return?session_id={CHECKOUT_SESSION_ID}");
        let err = PaymentSettings::from_vars(
            vars(&[("R2W_STRIPE_PRICE_YEARLY", "prod_1"), ("R2W_STRIPE_API_BASE", "ftp://x")]),
            &public,
        )
        .expect_err("bad settings");
        assert!(err.contains("R2W_STRIPE_PRICE_YEARLY") && err.contains("R2W_STRIPE_API_BASE"), "{err}");
    }
}
