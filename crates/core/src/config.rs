//! Every setting, read once at cold start from the environment. `.env.example` lists them all.
//!
//! Reading takes the variables as an iterator so tests never touch the process environment.
//! Invalid values are reported all at once, naming the variable (never echoing a secret).

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use url::Url;

use crate::auth_token::ACCESS_TOKEN_LIFETIME;

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub backend: Backend,
    pub log_format: LogFormat,
    /// Where the local server is reached; presigned local blob URLs point here.
    pub public_url: Url,
    /// Where the sites store is served to visitors (the CDN in the cloud; the local server by
    /// default): previews under `previews/…`, and published sites under `/{slug}/` unless they
    /// have hosts of their own (`sites_domain`). Ends in `/`.
    pub sites_url: Url,
    /// With a domain (`R2W_SITES_DOMAIN`, such as `sites.example.com`, or `localhost` for
    /// `r2w serve`), each published site is served at `{slug}.{domain}`, with the sites URL's
    /// scheme and port, so its robots.txt, sitemap and icons are at the root of its own host.
    pub sites_domain: Option<String>,
    /// Secret names are looked up under this prefix in Secrets Manager.
    pub secrets_prefix: String,
    pub secrets_cache_ttl: Duration,
    pub anthropic: AnthropicSettings,
    /// How long an access token lasts (`R2W_ACCESS_TOKEN_SECONDS`, 15 minutes by default;
    /// browser tests shorten it to see a session outlive its tokens).
    pub access_token_lifetime: Duration,
    /// The web app the local server serves (`R2W_WEB_DIR`; unset: this checkout's web/dist).
    pub web_dir: Option<PathBuf>,
    /// Stripe's publishable key for the web app (`R2W_STRIPE_PUBLISHABLE_KEY`; not a secret).
    pub stripe_publishable_key: Option<String>,
    /// Where the payment screen loads Stripe.js from (`R2W_STRIPE_JS_URL`). Stripe's terms
    /// require its own address, the default; tests point it at a local stand-in.
    pub stripe_js_url: Url,
}

/// Stripe.js, from where Stripe serves it.
pub const STRIPE_JS_URL: &str = "https://js.stripe.com/v3/";

/// Where CV extraction calls Claude. The API key is a secret (`anthropic-api-key`), not here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnthropicSettings {
    pub base_url: Url,
    pub model: String,
}

/// The current Opus model (Anthropic's models overview, November 2026).
pub const DEFAULT_ANTHROPIC_MODEL: &str = "claude-opus-5";
pub const DEFAULT_ANTHROPIC_BASE_URL: &str = "https://api.anthropic.com";

impl Default for AnthropicSettings {
    fn default() -> Self {
        Self {
            base_url: Url::parse(DEFAULT_ANTHROPIC_BASE_URL)
                .unwrap_or_else(|_| unreachable!("the default URL is valid")),
            model: DEFAULT_ANTHROPIC_MODEL.into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Backend {
    /// SQLite + folders under `data_dir`; the default.
    Embedded {
        data_dir: PathBuf,
    },
    Aws(AwsSettings),
}

#[derive(Debug, Clone, PartialEq)]
pub struct AwsSettings {
    pub table_name: String,
    pub uploads_bucket: String,
    pub sites_bucket: String,
    /// Path-style S3 addressing, needed by local emulators.
    pub s3_force_path_style: bool,
    /// Where custom domains are served (`R2W_CUSTOM_DOMAINS_DISTRIBUTION`,
    /// `R2W_CUSTOM_DOMAINS_CONNECTION_GROUP`, `R2W_CUSTOM_DOMAINS_ENDPOINT`, all three or
    /// none); none: custom domains are not offered.
    pub custom_domains: Option<CloudFrontTenancy>,
}

/// Where custom domains are served from (template.yaml's `SitesTenancy` resources).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloudFrontTenancy {
    /// The multi-tenant distribution.
    pub distribution_id: String,
    /// The connection group the tenants join; its routing endpoint is what CNAMEs point at.
    pub connection_group_id: String,
    pub routing_endpoint: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// One JSON object per line (CloudWatch Logs Insights reads the fields).
    Json,
    /// Readable lines for a terminal.
    Text,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub problems: Vec<String>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid configuration:")?;
        for problem in &self.problems {
            write!(f, "\n  - {problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigError {}

pub const DEFAULT_PUBLIC_URL: &str = "http://127.0.0.1:8080";

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_vars(std::env::vars())
    }

    pub fn from_vars(vars: impl IntoIterator<Item = (String, String)>) -> Result<Self, ConfigError> {
        let vars: HashMap<String, String> = vars.into_iter().filter(|(_, v)| !v.trim().is_empty()).collect();
        let mut problems = Vec::new();
        let get = |name: &str| vars.get(name).map(|v| v.trim().to_owned());

        let backend = match get("R2W_BACKEND").as_deref() {
            None | Some("embedded") => {
                Some(Backend::Embedded { data_dir: get("R2W_DATA_DIR").unwrap_or_else(|| "data".into()).into() })
            }
            Some("aws") => {
                let mut required = |name: &str| {
                    get(name).or_else(|| {
                        problems.push(format!("{name} is required when R2W_BACKEND=aws"));
                        None
                    })
                };
                let (table, uploads, sites) =
                    (required("R2W_TABLE_NAME"), required("R2W_UPLOADS_BUCKET"), required("R2W_SITES_BUCKET"));
                let path_style = parse_bool(&get, "R2W_S3_FORCE_PATH_STYLE", false, &mut problems);
                let tenancy = (
                    get("R2W_CUSTOM_DOMAINS_DISTRIBUTION"),
                    get("R2W_CUSTOM_DOMAINS_CONNECTION_GROUP"),
                    get("R2W_CUSTOM_DOMAINS_ENDPOINT").map(|v| v.to_ascii_lowercase()),
                );
                let custom_domains = match tenancy {
                    (None, None, None) => None,
                    (Some(distribution_id), Some(connection_group_id), Some(routing_endpoint))
                        if is_domain(&routing_endpoint) =>
                    {
                        Some(CloudFrontTenancy { distribution_id, connection_group_id, routing_endpoint })
                    }
                    _ => {
                        problems.push(
                            "R2W_CUSTOM_DOMAINS_DISTRIBUTION, R2W_CUSTOM_DOMAINS_CONNECTION_GROUP and \
                             R2W_CUSTOM_DOMAINS_ENDPOINT (a host name) go together"
                                .into(),
                        );
                        None
                    }
                };
                match (table, uploads, sites) {
                    (Some(table_name), Some(uploads_bucket), Some(sites_bucket)) => Some(Backend::Aws(AwsSettings {
                        table_name,
                        uploads_bucket,
                        sites_bucket,
                        s3_force_path_style: path_style,
                        custom_domains,
                    })),
                    _ => None,
                }
            }
            Some(other) => {
                problems.push(format!("R2W_BACKEND must be \"embedded\" or \"aws\", not {other:?}"));
                None
            }
        };

        let in_lambda = vars.contains_key("AWS_LAMBDA_FUNCTION_NAME");
        let log_format = match get("R2W_LOG_FORMAT").as_deref() {
            None if in_lambda => LogFormat::Json,
            None => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some("text") => LogFormat::Text,
            Some(other) => {
                problems.push(format!("R2W_LOG_FORMAT must be \"json\" or \"text\", not {other:?}"));
                LogFormat::Text
            }
        };

        let public_url = match Url::parse(&get("R2W_PUBLIC_URL").unwrap_or_else(|| DEFAULT_PUBLIC_URL.into())) {
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => url,
            _ => {
                problems.push("R2W_PUBLIC_URL must be an http(s) URL such as http://127.0.0.1:8080".into());
                Url::parse(DEFAULT_PUBLIC_URL).unwrap_or_else(|_| unreachable!("the default URL is valid"))
            }
        };

        let sites_url = match get("R2W_SITES_URL").map(|v| Url::parse(&v)) {
            None => with_trailing_slash(public_url.clone()),
            Some(Ok(url)) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => {
                with_trailing_slash(url)
            }
            Some(_) => {
                problems.push("R2W_SITES_URL must be an http(s) URL such as https://sites.example.com/".into());
                with_trailing_slash(public_url.clone())
            }
        };

        let sites_domain = match get("R2W_SITES_DOMAIN").map(|v| v.to_ascii_lowercase()) {
            None => None,
            Some(domain) if is_domain(&domain) => Some(domain),
            Some(_) => {
                problems.push("R2W_SITES_DOMAIN must be a domain name such as sites.example.com".into());
                None
            }
        };

        let ttl = match get("R2W_SECRETS_CACHE_TTL_SECS").map(|v| v.parse::<u64>()) {
            None => Duration::from_secs(300),
            Some(Ok(secs)) if secs <= 86_400 => Duration::from_secs(secs),
            Some(_) => {
                problems.push("R2W_SECRETS_CACHE_TTL_SECS must be a number of seconds from 0 to 86400".into());
                Duration::from_secs(300)
            }
        };

        let access_token_lifetime = match get("R2W_ACCESS_TOKEN_SECONDS").map(|v| v.parse::<u64>()) {
            None => ACCESS_TOKEN_LIFETIME,
            Some(Ok(secs)) if (10..=3600).contains(&secs) => Duration::from_secs(secs),
            Some(_) => {
                problems.push("R2W_ACCESS_TOKEN_SECONDS must be a number of seconds from 10 to 3600".into());
                ACCESS_TOKEN_LIFETIME
            }
        };
        let stripe_js_url = match get("R2W_STRIPE_JS_URL").map(|v| Url::parse(&v)) {
            Some(Ok(url)) if matches!(url.scheme(), "http" | "https") => url,
            None => Url::parse(STRIPE_JS_URL).map_err(|e| ConfigError { problems: vec![e.to_string()] })?,
            Some(_) => {
                problems.push("R2W_STRIPE_JS_URL must be an http(s) URL".into());
                Url::parse(STRIPE_JS_URL).map_err(|e| ConfigError { problems: vec![e.to_string()] })?
            }
        };

        let mut anthropic = AnthropicSettings::default();
        if let Some(model) = get("R2W_ANTHROPIC_MODEL") {
            if model.len() <= 100 && model.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._@".contains(&b)) {
                anthropic.model = model;
            } else {
                problems.push("R2W_ANTHROPIC_MODEL must be a model id such as claude-opus-5".into());
            }
        }
        if let Some(base) = get("R2W_ANTHROPIC_BASE_URL") {
            match Url::parse(&base) {
                Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => anthropic.base_url = url,
                _ => problems.push("R2W_ANTHROPIC_BASE_URL must be an http(s) URL".into()),
            }
        }

        match backend {
            Some(backend) if problems.is_empty() => Ok(Self {
                backend,
                log_format,
                public_url,
                sites_url,
                sites_domain,
                secrets_prefix: get("R2W_SECRETS_PREFIX").unwrap_or_else(|| "r2w/".into()),
                secrets_cache_ttl: ttl,
                anthropic,
                access_token_lifetime,
                web_dir: get("R2W_WEB_DIR").map(PathBuf::from),
                stripe_publishable_key: get("R2W_STRIPE_PUBLISHABLE_KEY"),
                stripe_js_url,
            }),
            _ => Err(ConfigError { problems }),
        }
    }

    /// The embedded default, rooted at `data_dir` (tests and the `r2w` command).
    pub fn embedded(data_dir: impl Into<PathBuf>) -> Self {
        let public_url = Url::parse(DEFAULT_PUBLIC_URL).unwrap_or_else(|_| unreachable!("the default URL is valid"));
        Self {
            sites_url: with_trailing_slash(public_url.clone()),
            sites_domain: None,
            backend: Backend::Embedded { data_dir: data_dir.into() },
            log_format: LogFormat::Text,
            public_url,
            secrets_prefix: "r2w/".into(),
            secrets_cache_ttl: Duration::from_secs(300),
            anthropic: AnthropicSettings::default(),
            access_token_lifetime: ACCESS_TOKEN_LIFETIME,
            web_dir: None,
            stripe_publishable_key: None,
            stripe_js_url: Url::parse(STRIPE_JS_URL).unwrap_or_else(|_| unreachable!("Stripe's URL is valid")),
        }
    }
}

impl Config {
    /// Where the published site at `slug` is seen: `{scheme}://{slug}.{sites domain}[:port]/`
    /// when sites have hosts of their own, else `{sites URL}{slug}/`.
    pub fn site_url(&self, slug: &crate::model::Slug) -> Option<Url> {
        match &self.sites_domain {
            Some(domain) => self.sites_url_at(&format!("{slug}.{domain}")),
            None => self.sites_url.join(&format!("{slug}/")).ok(),
        }
    }

    /// The root of a site served at `host`, with the sites URL's scheme and port.
    pub fn sites_url_at(&self, host: &str) -> Option<Url> {
        let port = self.sites_url.port().map(|p| format!(":{p}")).unwrap_or_default();
        Url::parse(&format!("{}://{host}{port}/", self.sites_url.scheme())).ok()
    }
}

/// A host name of lowercase letters, digits and hyphens, in dot-separated labels.
pub fn is_domain(name: &str) -> bool {
    name.len() <= 200
        && name.split('.').all(|label| {
            (1..=63).contains(&label.len())
                && label.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

fn with_trailing_slash(mut url: Url) -> Url {
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    url
}

fn parse_bool(get: &impl Fn(&str) -> Option<String>, name: &str, default: bool, problems: &mut Vec<String>) -> bool {
    match get(name).map(|v| v.to_ascii_lowercase()).as_deref() {
        None => default,
        Some("1" | "true" | "yes" | "on") => true,
        Some("0" | "false" | "no" | "off") => false,
        Some(_) => {
            problems.push(format!("{name} must be true or false"));
            default
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn defaults_to_embedded_in_a_data_folder() {
        let config = Config::from_vars(vars(&[])).expect("defaults are valid");
        assert_eq!(config.backend, Backend::Embedded { data_dir: "data".into() });
        assert_eq!(config.log_format, LogFormat::Text);
        assert_eq!(config.public_url.as_str(), "http://127.0.0.1:8080/");
        assert_eq!(config.sites_url.as_str(), "http://127.0.0.1:8080/", "sites are served by the local server");
        assert_eq!(config.anthropic.model, DEFAULT_ANTHROPIC_MODEL);
        assert_eq!(config.anthropic.base_url.as_str(), "https://api.anthropic.com/");
    }

    #[test]
    fn the_claude_model_and_endpoint_are_configurable() {
        let config = Config::from_vars(vars(&[
            ("R2W_ANTHROPIC_MODEL", "claude-sonnet-5"),
            ("R2W_ANTHROPIC_BASE_URL", "http://127.0.0.1:9999"),
            ("R2W_SITES_URL", "https://cdn.example.com/s"),
        ]))
        .expect("valid");
        assert_eq!(config.sites_url.as_str(), "https://cdn.example.com/s/");
        assert_eq!(config.anthropic.model, "claude-sonnet-5");
        assert_eq!(config.anthropic.base_url.as_str(), "http://127.0.0.1:9999/");
        let err = Config::from_vars(vars(&[("R2W_ANTHROPIC_MODEL", "x y"), ("R2W_ANTHROPIC_BASE_URL", "file:///k")]))
            .expect_err("invalid");
        assert_eq!(err.problems.len(), 2, "{err}");
    }

    #[test]
    fn sites_on_hosts_of_their_own() {
        let slug = crate::model::Slug::parse("jane").expect("a slug");
        let path_form = Config::from_vars(vars(&[("R2W_SITES_URL", "https://d1.cloudfront.net/")])).expect("valid");
        assert_eq!(path_form.site_url(&slug).map(String::from).as_deref(), Some("https://d1.cloudfront.net/jane/"));
        let hosts = Config::from_vars(vars(&[
            ("R2W_SITES_URL", "https://d1.cloudfront.net/"),
            ("R2W_SITES_DOMAIN", "Sites.Example"),
        ]))
        .expect("valid");
        assert_eq!(hosts.site_url(&slug).map(String::from).as_deref(), Some("https://jane.sites.example/"));
        let local = Config::from_vars(vars(&[
            ("R2W_SITES_URL", "http://localhost:8080/sites/"),
            ("R2W_SITES_DOMAIN", "localhost"),
        ]))
        .expect("valid");
        assert_eq!(local.site_url(&slug).map(String::from).as_deref(), Some("http://jane.localhost:8080/"));
        for bad in ["*.sites.example", "sites..example", "-a.example", "a.example/", "a b"] {
            let err = Config::from_vars(vars(&[("R2W_SITES_DOMAIN", bad)])).expect_err(bad);
            assert!(err.to_string().contains("R2W_SITES_DOMAIN"), "{err}");
        }
    }

    #[test]
    fn aws_needs_its_table_and_buckets() {
        let err = Config::from_vars(vars(&[("R2W_BACKEND", "aws"), ("R2W_TABLE_NAME", "t")])).expect_err("incomplete");
        assert_eq!(err.problems.len(), 2, "{err}");
        assert!(err.to_string().contains("R2W_UPLOADS_BUCKET") && err.to_string().contains("R2W_SITES_BUCKET"));
        let ok = Config::from_vars(vars(&[
            ("R2W_BACKEND", "aws"),
            ("R2W_TABLE_NAME", "t"),
            ("R2W_UPLOADS_BUCKET", "u"),
            ("R2W_SITES_BUCKET", "s"),
            ("R2W_S3_FORCE_PATH_STYLE", "true"),
            ("AWS_LAMBDA_FUNCTION_NAME", "upload"),
        ]))
        .expect("complete");
        assert_eq!(ok.log_format, LogFormat::Json, "JSON logs in Lambda");
        let Backend::Aws(aws) = ok.backend else { panic!("aws backend expected") };
        assert!(aws.s3_force_path_style);
    }

    #[test]
    fn every_invalid_value_is_reported_at_once() {
        let err = Config::from_vars(vars(&[
            ("R2W_BACKEND", "cloud"),
            ("R2W_LOG_FORMAT", "xml"),
            ("R2W_PUBLIC_URL", "ftp://x"),
            ("R2W_SECRETS_CACHE_TTL_SECS", "-1"),
        ]))
        .expect_err("invalid");
        assert_eq!(err.problems.len(), 4, "{err}");
    }
}
