//! template.yaml, read as data: it deploys what the code is (every route, every binary, every
//! secret the code reads, the ASL's substitutions) and holds the properties the product
//! promises (arm64 on al2023, PITR, TTL, private versioned originals, previews that expire,
//! sites only through the CDN with security headers, alarms, no policy on any resource).
//! cfn-lint and `sam validate --lint` check the CloudFormation itself (scripts/test.sh).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use r2w_core::config::AnthropicSettings;
use r2w_extract::llm::ClaudeConfig;
use r2w_local::files::{SitePath, site_path};
use r2w_local::routes::ROUTES;
use r2w_sites::render::CONTENT_SECURITY_POLICY;
use serde_norway::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn template() -> Value {
    let text = std::fs::read_to_string(root().join("template.yaml")).expect("template.yaml");
    serde_norway::from_str(&text).expect("template.yaml is YAML")
}

/// The value under a short-form tag (`!Sub x` -> `x`); any other value as it is.
fn untag(value: &Value) -> &Value {
    match value {
        Value::Tagged(tagged) => &tagged.value,
        other => other,
    }
}

fn at<'a>(value: &'a Value, path: &[&str]) -> &'a Value {
    path.iter().fold(value, |v, key| {
        untag(v).get(key).unwrap_or_else(|| panic!("{key} missing on the way to {}", path.join(".")))
    })
}

fn opt<'a>(value: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(value, |v, key| untag(v).get(key))
}

fn text<'a>(value: &'a Value, path: &[&str]) -> &'a str {
    untag(at(value, path)).as_str().unwrap_or_else(|| panic!("{} is not text", path.join(".")))
}

/// The items of a list; an item `!If [condition, then, else]` stands for each branch that is
/// something (not `!Ref AWS::NoValue`): what a deployment may have.
fn list(value: &Value) -> Vec<&Value> {
    let items: Vec<&Value> = match untag(value) {
        Value::Sequence(items) => items.iter().collect(),
        other => vec![other],
    };
    items
        .into_iter()
        .flat_map(|item| match item {
            Value::Tagged(tagged) if tagged.tag == "If" => match &tagged.value {
                Value::Sequence(branches) if branches.len() == 3 => {
                    branches[1..].iter().filter(|b| reference(b) != Some("AWS::NoValue")).collect()
                }
                _ => vec![item],
            },
            _ => vec![item],
        })
        .collect()
}

/// `!Ref Name` (or `{Ref: Name}`): the name.
fn reference(value: &Value) -> Option<&str> {
    match value {
        Value::Tagged(tagged) if tagged.tag == "Ref" => tagged.value.as_str(),
        Value::Mapping(map) => map.get("Ref").and_then(Value::as_str),
        _ => None,
    }
}

fn resources(template: &Value) -> BTreeMap<String, &Value> {
    at(template, &["Resources"])
        .as_mapping()
        .expect("Resources")
        .iter()
        .map(|(name, resource)| (name.as_str().expect("name").to_owned(), resource))
        .collect()
}

fn of_type<'a>(template: &'a Value, kind: &str) -> BTreeMap<String, &'a Value> {
    resources(template).into_iter().filter(|(_, r)| text(r, &["Type"]) == kind).collect()
}

fn resource<'a>(template: &'a Value, name: &str) -> &'a Value {
    at(template, &["Resources", name])
}

/// The binaries of a function crate: `src/bin/*.rs`.
fn binaries(crate_dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(crate_dir.join("src/bin"))
        .map(|dir| {
            dir.filter_map(|e| e.ok())
                .filter_map(|e| e.file_name().to_str()?.strip_suffix(".rs").map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// Each Lambda function of the template by the binary it runs.
fn functions(template: &Value) -> BTreeMap<String, (String, &Value)> {
    of_type(template, "AWS::Serverless::Function")
        .into_iter()
        .map(|(name, function)| {
            let code = text(function, &["Properties", "CodeUri"]);
            let binary = match opt(function, &["Metadata", "BuildProperties", "Binary"]) {
                Some(binary) => untag(binary).as_str().expect("Binary").to_owned(),
                None => {
                    let bins = binaries(&root().join(code));
                    assert_eq!(bins.len(), 1, "{name}: {code} has several binaries; name one in BuildProperties");
                    bins.into_iter().next().unwrap_or_default()
                }
            };
            (binary, (name, function))
        })
        .collect()
}

#[test]
fn the_api_serves_every_route_with_its_function() {
    let template = template();
    let api = at(&template, &["Resources", "HttpApi", "Properties", "DefinitionBody"]);
    let integrations = at(api, &["components", "x-amazon-apigateway-integrations"]);
    let mut deployed = BTreeSet::new();
    for (path, methods) in at(api, &["paths"]).as_mapping().expect("paths") {
        for (method, operation) in methods.as_mapping().expect("methods") {
            let target = text(operation, &["x-amazon-apigateway-integration", "$ref"]);
            let function = target.rsplit('/').next().unwrap_or_default();
            let integration = at(integrations, &[function]);
            assert_eq!(text(integration, &["type"]), "aws_proxy");
            assert_eq!(text(integration, &["payloadFormatVersion"]), "2.0", "lambda_http reads v2 events");
            assert!(
                text(integration, &["uri"]).ends_with(&format!(":function:r2w-${{Stage}}-{function}:live/invocations")),
                "{function}'s integration invokes its live alias"
            );
            deployed.insert((
                method.as_str().expect("method").to_uppercase(),
                path.as_str().expect("path").to_owned(),
                function.to_owned(),
            ));
        }
    }
    let ours: BTreeSet<_> =
        ROUTES.iter().map(|r| (r.method.to_owned(), r.path.to_owned(), r.function.to_owned())).collect();
    assert_eq!(deployed, ours, "template.yaml's API and infra/local/src/routes.rs list the same routes");

    // Each function behind the API exists under that name, and only the API may invoke it.
    let functions = functions(&template);
    let permissions = of_type(&template, "AWS::Lambda::Permission");
    for function in ours.iter().map(|(_, _, f)| f).collect::<BTreeSet<_>>() {
        let (name, _) = functions.get(function.as_str()).unwrap_or_else(|| panic!("no function runs {function}"));
        let permission = permissions
            .values()
            .find(|p| reference(at(p, &["Properties", "FunctionName"])) == Some(format!("{name}.Alias").as_str()))
            .unwrap_or_else(|| panic!("{name} may not be invoked by the API"));
        assert_eq!(text(permission, &["Properties", "Principal"]), "apigateway.amazonaws.com");
        assert!(text(permission, &["Properties", "SourceArn"]).contains("${HttpApi}/"), "scoped to this API");
    }
}

#[test]
fn every_binary_is_a_function_built_by_cargo_lambda() {
    let template = template();
    let functions = functions(&template);
    let mut built = BTreeSet::new();
    for crate_dir in std::fs::read_dir(root().join("functions")).expect("functions/").filter_map(|e| e.ok()) {
        built.extend(binaries(&crate_dir.path()));
    }
    // A program a layer holds (a function's child) is deployed there.
    for program in layer_programs(&template) {
        assert!(built.remove(&program), "the layer program {program} is a binary of functions/");
    }
    assert_eq!(functions.keys().cloned().collect::<BTreeSet<_>>(), built, "every function binary is deployed");

    let log_groups: BTreeSet<_> = of_type(&template, "AWS::Logs::LogGroup")
        .values()
        .map(|g| text(g, &["Properties", "LogGroupName"]).to_owned())
        .collect();
    for (binary, (name, function)) in &functions {
        assert_eq!(text(function, &["Metadata", "BuildMethod"]), "rust-cargolambda", "{name}");
        let code = text(function, &["Properties", "CodeUri"]);
        assert!(root().join(code).join(format!("src/bin/{binary}.rs")).is_file(), "{name}: {code} builds {binary}");
        assert_eq!(text(function, &["Properties", "FunctionName"]), format!("r2w-${{Stage}}-{binary}"));
        for sized in ["MemorySize", "Timeout"] {
            assert!(at(function, &["Properties", sized]).as_u64().is_some(), "{name} sets its {sized}");
        }
        assert!(log_groups.contains(&format!("/aws/lambda/r2w-${{Stage}}-{binary}")), "{name}'s logs expire");
    }

    let globals = at(&template, &["Globals", "Function"]);
    assert_eq!(text(globals, &["Runtime"]), "provided.al2023");
    assert_eq!(list(at(globals, &["Architectures"])).iter().map(|a| a.as_str()).collect::<Vec<_>>(), [Some("arm64")]);
    assert_eq!(text(globals, &["Handler"]), "bootstrap");
    assert_eq!(text(globals, &["Tracing"]), "Active");
    assert_eq!(text(globals, &["LoggingConfig", "LogFormat"]), "JSON");
    assert_eq!(text(globals, &["Environment", "Variables", "R2W_BACKEND"]), "aws");
}

/// A Lambda timeout during Claude's retries would fail the job instead of falling back.
#[test]
fn extract_outlives_the_claude_client() {
    let template = template();
    let claude = ClaudeConfig::new(&AnthropicSettings::default());
    let worst = claude.timeout * (claude.max_retries + 1) + claude.max_backoff * claude.max_retries;
    let timeout = at(resource(&template, "ExtractFunction"), &["Properties", "Timeout"]).as_u64().expect("Timeout");
    assert!(timeout > worst.as_secs(), "extract's {timeout} s must exceed the client's worst case {worst:?}");
    assert!(timeout <= 900, "Lambda's limit");
}

#[test]
fn every_setting_is_one_the_code_reads_and_every_secret_it_reads_exists() {
    let template = template();
    let documented = std::fs::read_to_string(root().join(".env.example")).expect(".env.example");
    let documented: BTreeSet<_> =
        documented.lines().filter_map(|l| l.split_once('=')).map(|(name, _)| name.trim().to_owned()).collect();
    let mut environments = vec![at(&template, &["Globals", "Function", "Environment", "Variables"])];
    environments
        .extend(functions(&template).values().filter_map(|(_, f)| opt(f, &["Properties", "Environment", "Variables"])));
    for variables in environments {
        for (name, _) in untag(variables).as_mapping().expect("variables") {
            let name = name.as_str().expect("name");
            assert!(documented.contains(name) || name == "RUST_LOG", "{name} is not a setting (.env.example)");
        }
    }

    let secrets: BTreeMap<String, &Value> = of_type(&template, "AWS::SecretsManager::Secret")
        .into_values()
        .map(|s| (text(s, &["Properties", "Name"]).trim_start_matches("r2w/${Stage}/").to_owned(), s))
        .collect();
    let prefix = text(&template, &["Globals", "Function", "Environment", "Variables", "R2W_SECRETS_PREFIX"]);
    assert_eq!(prefix, "r2w/${Stage}/");
    let read = [
        r2w_core::auth_token::JWT_SIGNING_SECRET,
        r2w_extract::extractor::ANTHROPIC_KEY_SECRET,
        r2w_stripe_webhook::STRIPE_SECRET_KEY,
        r2w_stripe_webhook::STRIPE_WEBHOOK_SECRET,
        "oauth-google-client-secret",
        "oauth-linkedin-client-secret",
        "oauth-github-client-secret",
    ];
    assert_eq!(secrets.keys().map(String::as_str).collect::<BTreeSet<_>>(), read.into_iter().collect());

    // The access-token key is made at deploy, in the only form the code accepts: 64 hex digits.
    let generated = at(secrets[r2w_core::auth_token::JWT_SIGNING_SECRET], &["Properties", "GenerateSecretString"]);
    assert_eq!(at(generated, &["PasswordLength"]).as_u64(), Some(64));
    assert_eq!(at(generated, &["ExcludeUppercase"]).as_bool(), Some(true));
    assert_eq!(at(generated, &["ExcludePunctuation"]).as_bool(), Some(true));
    let excluded: BTreeSet<char> = text(generated, &["ExcludeCharacters"]).chars().collect();
    let left: String = ('a'..='z').filter(|c| !excluded.contains(c)).collect();
    assert_eq!(left, "abcdef");
}

#[test]
fn state_is_kept_safely() {
    let template = template();
    let table = at(resource(&template, "Table"), &["Properties"]);
    assert_eq!(text(table, &["BillingMode"]), "PAY_PER_REQUEST");
    assert_eq!(at(table, &["PointInTimeRecoverySpecification", "PointInTimeRecoveryEnabled"]).as_bool(), Some(true));
    assert_eq!(text(table, &["TimeToLiveSpecification", "AttributeName"]), "expires_at");
    assert_eq!(at(table, &["TimeToLiveSpecification", "Enabled"]).as_bool(), Some(true));
    assert_eq!(at(table, &["SSESpecification", "SSEEnabled"]).as_bool(), Some(true));
    let indexes = list(at(table, &["GlobalSecondaryIndexes"]));
    assert_eq!(indexes.iter().map(|i| text(i, &["IndexName"])).collect::<Vec<_>>(), [r2w_aws::GSI1]);
    for kept in ["Table", "UploadsBucket"] {
        assert_eq!(text(resource(&template, kept), &["DeletionPolicy"]), "Retain", "{kept} outlives the stack");
    }

    for (name, bucket) in of_type(&template, "AWS::S3::Bucket") {
        let block = at(bucket, &["Properties", "PublicAccessBlockConfiguration"]);
        for setting in ["BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"] {
            assert_eq!(at(block, &[setting]).as_bool(), Some(true), "{name}: {setting}");
        }
        let encryption = list(at(bucket, &["Properties", "BucketEncryption", "ServerSideEncryptionConfiguration"]));
        assert!(!encryption.is_empty(), "{name} is encrypted");
    }

    let uploads = at(resource(&template, "UploadsBucket"), &["Properties"]);
    assert_eq!(text(uploads, &["VersioningConfiguration", "Status"]), "Enabled", "originals are never lost");
    let cors = list(at(uploads, &["CorsConfiguration", "CorsRules"]));
    assert_eq!(cors.len(), 1);
    assert_eq!(
        list(at(cors[0], &["AllowedOrigins"])).iter().filter_map(|o| reference(o)).collect::<Vec<_>>(),
        ["FrontendOrigin"]
    );
    assert!(list(at(cors[0], &["AllowedMethods"])).iter().any(|m| m.as_str() == Some("PUT")), "browsers PUT originals");

    let trigger = at(resource(&template, "UploadTriggerFunction"), &["Properties", "Events", "OriginalStored"]);
    assert_eq!(text(trigger, &["Type"]), "S3");
    assert_eq!(reference(at(trigger, &["Properties", "Bucket"])), Some("UploadsBucket"));
    assert_eq!(text(trigger, &["Properties", "Events"]), "s3:ObjectCreated:*");
    let rule = list(at(trigger, &["Properties", "Filter", "S3Key", "Rules"]))[0];
    assert_eq!((text(rule, &["Name"]), text(rule, &["Value"])), ("prefix", "uploads/"));

    let rules = list(at(resource(&template, "SitesBucket"), &["Properties", "LifecycleConfiguration", "Rules"]));
    let previews = rules
        .iter()
        .find(|r| opt(r, &["Prefix"]).and_then(Value::as_str) == Some("previews/"))
        .expect("a previews rule");
    assert_eq!(text(previews, &["Status"]), "Enabled");
    assert_eq!(at(previews, &["ExpirationInDays"]).as_u64(), Some(1), "previews expire after a day");
}

#[test]
fn sites_are_served_only_through_the_cdn_with_security_headers() {
    let template = template();
    let distribution = at(resource(&template, "SitesCdn"), &["Properties", "DistributionConfig"]);
    let origins = list(at(distribution, &["Origins"]));
    assert_eq!(origins.len(), 1);
    assert!(opt(origins[0], &["OriginAccessControlId"]).is_some(), "origin access control");
    let access = at(resource(&template, "SitesOriginAccess"), &["Properties", "OriginAccessControlConfig"]);
    assert_eq!(text(access, &["SigningBehavior"]), "always");
    assert_eq!(text(distribution, &["DefaultRootObject"]), "index.html");
    let behaviour = at(distribution, &["DefaultCacheBehavior"]);
    assert_eq!(text(behaviour, &["ViewerProtocolPolicy"]), "redirect-to-https");
    assert_eq!(at(behaviour, &["Compress"]).as_bool(), Some(true));
    let errors = list(at(distribution, &["CustomErrorResponses"]));
    for code in [403, 404] {
        let error = errors.iter().find(|e| at(e, &["ErrorCode"]).as_u64() == Some(code)).expect("error response");
        assert_eq!(text(error, &["ResponsePagePath"]), "/errors/404.html");
        assert_eq!(at(error, &["ResponseCode"]).as_u64(), Some(404));
    }

    let statements = list(at(resource(&template, "SitesBucketPolicy"), &["Properties", "PolicyDocument", "Statement"]));
    let allowed: Vec<_> = statements.iter().filter(|s| text(s, &["Effect"]) == "Allow").collect();
    assert_eq!(allowed.len(), 2, "only the CDNs read the sites bucket");
    assert!(allowed.iter().all(|s| text(s, &["Principal", "Service"]) == "cloudfront.amazonaws.com"));
    assert!(text(allowed[0], &["Condition", "StringEquals", "AWS:SourceArn"]).ends_with("distribution/${SitesCdn}"));
    // Custom domains' distribution sees published sites only, never previews.
    assert!(
        text(allowed[1], &["Condition", "StringEquals", "AWS:SourceArn"]).ends_with("distribution/${CustomDomainsCdn}")
    );
    assert!(text(allowed[1], &["Resource"]).ends_with("${SitesBucket}/sites/*"));
    let tenancy = at(resource(&template, "CustomDomainsCdn"), &["Properties", "DistributionConfig"]);
    assert_eq!(text(tenancy, &["ConnectionMode"]), "tenant-only");
    assert_eq!(text(list(at(tenancy, &["Origins"]))[0], &["OriginPath"]), "/sites/{{slug}}");
    let behaviour = at(tenancy, &["DefaultCacheBehavior"]);
    assert_eq!(text(behaviour, &["ViewerProtocolPolicy"]), "redirect-to-https");
    assert_eq!(reference(at(behaviour, &["ResponseHeadersPolicyId"])), Some("SecurityHeaders"), "the sites' headers");

    let headers = at(
        resource(&template, "SecurityHeaders"),
        &["Properties", "ResponseHeadersPolicyConfig", "SecurityHeadersConfig"],
    );
    assert_eq!(
        text(headers, &["ContentSecurityPolicy", "ContentSecurityPolicy"]),
        format!("{CONTENT_SECURITY_POLICY}; frame-ancestors 'none'"),
        "the sites' own policy, plus what only a header can say"
    );
    assert!(at(headers, &["StrictTransportSecurity", "AccessControlMaxAgeSec"]).as_u64() >= Some(31_536_000));
    assert_eq!(at(headers, &["ContentTypeOptions", "Override"]).as_bool(), Some(true), "nosniff");
    assert_eq!(text(headers, &["ReferrerPolicy", "ReferrerPolicy"]), "strict-origin-when-cross-origin");
    assert_eq!(text(headers, &["FrameOptions", "FrameOption"]), "DENY");

    // `r2w serve` sends the sites with the same headers as the CDN.
    let local: std::collections::BTreeMap<_, _> = r2w_local::files::SITE_HEADERS.into_iter().collect();
    assert_eq!(local["content-security-policy"], text(headers, &["ContentSecurityPolicy", "ContentSecurityPolicy"]));
    assert_eq!(local["referrer-policy"], text(headers, &["ReferrerPolicy", "ReferrerPolicy"]));
    assert_eq!(local["x-frame-options"], text(headers, &["FrameOptions", "FrameOption"]));
    assert_eq!(local["x-content-type-options"], "nosniff");

    // Previews: the same, but the app (FrontendOrigin) may frame them, as `r2w serve` says.
    let previews = list(at(distribution, &["CacheBehaviors"]));
    let preview = previews.iter().find(|b| text(b, &["PathPattern"]) == "/previews/*").expect("a preview behaviour");
    assert_eq!(reference(at(preview, &["ResponseHeadersPolicyId"])), Some("PreviewHeaders"));
    assert_eq!(text(preview, &["ViewerProtocolPolicy"]), "redirect-to-https");
    let preview_headers = at(
        resource(&template, "PreviewHeaders"),
        &["Properties", "ResponseHeadersPolicyConfig", "SecurityHeadersConfig"],
    );
    let policy = at(preview_headers, &["ContentSecurityPolicy", "ContentSecurityPolicy"]);
    let policy = match policy {
        Value::Tagged(tagged) if tagged.tag == "Sub" => tagged.value.as_str(),
        other => other.as_str(),
    }
    .expect("a policy");
    assert_eq!(policy, r2w_local::files::preview_policy("${FrontendOrigin}"));
    assert!(opt(preview_headers, &["FrameOptions"]).is_none(), "X-Frame-Options cannot name the app");
}

/// CORS: the API and the originals bucket answer the configured frontend's origin only — no
/// wildcard, no list an operator could widen by mistake — and the origin must be one origin.
#[test]
fn cors_allows_only_the_configured_frontend() {
    let template = template();
    let cors = at(resource(&template, "HttpApi"), &["Properties", "CorsConfiguration"]);
    let origins = list(at(cors, &["AllowOrigins"]));
    assert_eq!(origins.iter().filter_map(|o| reference(o)).collect::<Vec<_>>(), ["FrontendOrigin"]);
    assert_eq!(origins.len(), 1, "nothing but the frontend");
    assert_ne!(
        cors.get("AllowCredentials").and_then(|v| v.as_bool()),
        Some(true),
        "bearer tokens, no cookies across origins"
    );
    let pattern = text(&template["Parameters"]["FrontendOrigin"], &["AllowedPattern"]);
    let pattern = regex::Regex::new(pattern).expect("a regex");
    for refused in ["*", "https://*.example.com", "https://a.example.com,https://b.example.com", "null", ""] {
        assert!(!pattern.is_match(refused), "{refused:?} is not one origin");
    }
    assert!(pattern.is_match("https://app.example.com"));
}

/// The CDN's viewer-request function and the local server map requests (host and path) to
/// store keys the same way, with sites on their own hosts and without.
#[test]
fn the_cdn_maps_requests_like_the_local_server() {
    let template = template();
    let function = untag(at(resource(&template, "SitePaths"), &["Properties", "FunctionCode"]));
    let code = list(function)[0].as_str().expect("the function's code");
    let domain_param = at(&template, &["Parameters", "SitesDomain"]);
    assert_eq!(text(domain_param, &["Default"]), "", "without a domain, sites keep the path form");
    // A fixed clock for both sides: previews live until the second their folder names.
    let now: i64 = 1_900_000_000;
    let paths = [
        "/ada-lovelace",
        "/ada-lovelace/",
        "/ada-lovelace/assets/modern.0a1b2c3d4e.css",
        "/ada-lovelace/resume.json",
        "/previews/p1/1900000100-0a1b/",
        "/previews/p1/1900000100-0a1b/themes/modern/index.html",
        "/previews/p1/1899999999-0a1b/index.html",
        "/previews/p1/1900000000-0a1b/",
        "/previews/p1/19000001000-0a1b/",
        "/previews/p1/token/",
        "/previews//1900000100-0a1b/",
        "/previews/p1/1900000100-/",
        "/errors/404.html",
        "/",
        "/robots.txt",
        "/favicon.svg",
        "/ab",
        "/Ada",
        "/-ada",
        "/a--b",
        "/ada-",
        "/\\evil.example",
        "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "/previews",
        "/uploads",
        "/dana-levi",
    ];
    let hosts = [
        "d111.cloudfront.net",
        "jane.sites.example",
        "JANE.Sites.Example",
        "www.sites.example",
        "a.b.sites.example",
        "ab.sites.example",
        ".sites.example",
        "sites.example",
        "jane.sites.example.evil.example",
        "jane-sites.example",
    ];
    for domain in ["", "sites.example"] {
        let cases: Vec<(&str, &str)> = hosts.iter().flat_map(|h| paths.iter().map(move |p| (*h, *p))).collect();
        let harness = format!(
            "{}\nDate.now = () => {now} * 1000;\nconst cases = {};\nfor (const [host, uri] of cases) {{\n  const out = handler({{ request: {{ uri, headers: {{ host: {{ value: host }} }} }} }});\n  console.log(out.statusCode === 301 ? 'redirect ' + out.headers.location.value : out.statusCode ? String(out.statusCode) : out.uri);\n}}\n",
            code.replace("${Domain}", domain),
            serde_json::to_string(&cases).expect("JSON")
        );
        let dir = tempfile::tempdir().expect("temp dir");
        let script = dir.path().join("site-paths.js");
        std::fs::write(&script, harness).expect("write");
        let output = Command::new("node").arg(&script).output().expect("node runs (the browser tests need it too)");
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let cdn: Vec<String> = String::from_utf8_lossy(&output.stdout).lines().map(str::to_owned).collect();
        let domain = (!domain.is_empty()).then_some(domain);
        let local: Vec<String> = cases
            .iter()
            .map(|(host, uri)| match site_path(&host.to_ascii_lowercase(), &uri[1..], domain, now) {
                SitePath::Redirect(to) => format!("redirect /{to}"),
                SitePath::Object(key) => format!("/{key}"),
                SitePath::Gone => "410".into(),
                SitePath::NotFound => "404".into(),
            })
            .collect();
        for ((case, cdn), local) in cases.iter().zip(&cdn).zip(&local) {
            assert_eq!(cdn, local, "{case:?} with domain {domain:?}");
        }
        assert_eq!(cdn.len(), local.len());
        let at = |host: &str, path: &str| {
            let i = cases.iter().position(|c| *c == (host, path)).expect("a case");
            local[i].as_str()
        };
        assert_eq!(
            at("d111.cloudfront.net", "/previews/p1/1900000100-0a1b/"),
            "/previews/p1/1900000100-0a1b/index.html"
        );
        assert_eq!(at("d111.cloudfront.net", "/previews/p1/1899999999-0a1b/index.html"), "410", "expired");
        assert_eq!(at("d111.cloudfront.net", "/previews/p1/token/"), "410", "no expiry in its name");
        match domain {
            None => {
                assert_eq!(at("d111.cloudfront.net", "/ada-lovelace"), "redirect /ada-lovelace/");
                assert_eq!(at("d111.cloudfront.net", "/ada-lovelace/"), "/sites/ada-lovelace/index.html");
                assert_eq!(at("jane.sites.example", "/robots.txt"), "/sites/robots.txt", "no hosts without a domain");
            }
            Some(_) => {
                assert_eq!(at("jane.sites.example", "/"), "/sites/jane/index.html");
                assert_eq!(at("JANE.Sites.Example", "/robots.txt"), "/sites/jane/robots.txt");
                assert_eq!(at("jane.sites.example", "/favicon.svg"), "/sites/jane/favicon.svg");
                for refused in ["www.sites.example", "a.b.sites.example", "ab.sites.example"] {
                    assert_eq!(at(refused, "/"), "404", "{refused} is no site's host");
                }
                assert_eq!(at("d111.cloudfront.net", "/ada-lovelace/"), "404", "a site is only at its own host");
                assert_eq!(at("sites.example", "/errors/404.html"), "/errors/404.html");
            }
        }
    }
    let reserved: Vec<String> = code
        .split("var RESERVED = [")
        .nth(1)
        .and_then(|rest| rest.split(']').next())
        .expect("the reserved list")
        .split(',')
        .map(|w| w.trim().trim_matches('"').to_owned())
        .filter(|w| !w.is_empty())
        .collect();
    assert_eq!(reserved, r2w_core::model::RESERVED_SLUGS, "the CDN knows the reserved slugs");
}

#[test]
fn alarms_watch_the_api_every_function_and_the_pipeline() {
    let template = template();
    let alarms = of_type(&template, "AWS::CloudWatch::Alarm");
    for alarm in alarms.values() {
        let actions = list(at(alarm, &["Properties", "AlarmActions"]));
        assert_eq!(actions.iter().filter_map(|a| reference(a)).collect::<Vec<_>>(), ["AlarmTopic"]);
    }
    let watching = |namespace: &str, metric: &str, dimension: &str| -> BTreeSet<String> {
        alarms
            .values()
            .filter(|a| opt(a, &["Properties", "Namespace"]).and_then(|n| untag(n).as_str()) == Some(namespace))
            .filter(|a| text(a, &["Properties", "MetricName"]) == metric)
            .flat_map(|a| list(at(a, &["Properties", "Dimensions"])))
            .filter(|d| text(d, &["Name"]) == dimension)
            .filter_map(|d| reference(at(d, &["Value"])).map(str::to_owned))
            .collect()
    };
    let functions: BTreeSet<String> = functions(&template).into_values().map(|(name, _)| name).collect();
    assert_eq!(watching("AWS/Lambda", "Errors", "FunctionName"), functions);
    assert_eq!(watching("AWS/Lambda", "Throttles", "FunctionName"), functions);
    assert_eq!(watching("AWS/ApiGateway", "5xx", "ApiId"), BTreeSet::from(["HttpApi".to_owned()]));
    let latency = alarms
        .values()
        .find(|a| opt(a, &["Properties", "MetricName"]).and_then(Value::as_str) == Some("Latency"))
        .expect("a latency alarm");
    assert_eq!(text(latency, &["Properties", "ExtendedStatistic"]), "p99");
    assert_eq!(at(latency, &["Properties", "Threshold"]).as_u64(), Some(2000), "p99 above 2 s");
    let pipeline = at(resource(&template, "PipelineFailuresAlarm"), &["Properties", "Metrics"]);
    let metrics: Vec<_> = list(pipeline).into_iter().filter_map(|m| opt(m, &["MetricStat", "Metric"])).collect();
    assert!(metrics.iter().any(|m| text(m, &["MetricName"]) == "ExecutionsFailed"
        && list(at(m, &["Dimensions"])).iter().any(|d| reference(at(d, &["Value"])) == Some("Pipeline"))));
}

#[test]
fn the_state_machine_is_the_checked_in_definition_with_a_narrow_role() {
    let template = template();
    let machine = at(resource(&template, "Pipeline"), &["Properties"]);
    let definition = text(machine, &["DefinitionUri"]);
    assert_eq!(definition, "infra/statemachine/pipeline.asl.json", "the file the local runner reads");
    let asl = std::fs::read_to_string(root().join(definition)).expect("ASL");
    let placeholders: BTreeSet<String> =
        asl.split("${").skip(1).filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_owned())).collect();
    let substituted: BTreeSet<String> = at(machine, &["DefinitionSubstitutions"])
        .as_mapping()
        .expect("substitutions")
        .keys()
        .filter_map(|k| k.as_str().map(str::to_owned))
        .collect();
    assert_eq!(placeholders, substituted);
    assert_eq!(text(machine, &["Logging", "Level"]), "ERROR");
    assert_eq!(at(machine, &["Logging", "IncludeExecutionData"]).as_bool(), Some(false), "inputs name people");

    let mut invoked = BTreeSet::new();
    for policy in list(at(machine, &["Policies"])) {
        if let Some(invoke) = opt(policy, &["LambdaInvokePolicy", "FunctionName"]) {
            invoked.insert(reference(invoke).expect("a function of this template").to_owned());
        }
    }
    assert_eq!(invoked, BTreeSet::from(["ExtractFunction".to_owned(), "BuildPortfolioFunction".to_owned()]));
    let writes: Vec<_> =
        statements(machine).into_iter().filter(|s| actions(s).iter().any(|a| a.starts_with("dynamodb:"))).collect();
    assert_eq!(writes.len(), 1);
    assert_eq!(actions(writes[0]), ["dynamodb:UpdateItem"], "the Catch records a failure, nothing else");
}

fn statements(properties: &Value) -> Vec<&Value> {
    opt(properties, &["Policies"])
        .map(list)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|p| opt(p, &["Statement"]))
        .flat_map(list)
        .collect()
}

fn actions(statement: &Value) -> Vec<&str> {
    list(at(statement, &["Action"])).into_iter().filter_map(|a| untag(a).as_str()).collect()
}

/// CloudWatch Logs' log-delivery actions accept no resource but `*` (IAM service authorization
/// reference); the state machine needs them to log at all.
const ARN_LESS_ACTIONS: &[&str] = &[
    "logs:CreateLogDelivery",
    "logs:GetLogDelivery",
    "logs:UpdateLogDelivery",
    "logs:DeleteLogDelivery",
    "logs:ListLogDeliveries",
    "logs:PutResourcePolicy",
    "logs:DescribeResourcePolicies",
    "logs:DescribeLogGroups",
];

#[test]
fn no_policy_grants_anything_on_every_resource() {
    let template = template();
    let mut checked = 0;
    for (name, resource) in resources(&template) {
        let Some(properties) = opt(resource, &["Properties"]) else { continue };
        let mut all = statements(properties);
        if let Some(document) = opt(properties, &["PolicyDocument", "Statement"]) {
            all.extend(list(document));
        }
        for statement in all {
            checked += 1;
            let allows = text(statement, &["Effect"]) == "Allow";
            let resources = list(at(statement, &["Resource"]));
            let everything =
                resources.iter().any(|r| untag(r).as_str().is_some_and(|r| r == "*" || r.ends_with(":*:*")));
            if allows && everything {
                let unscoped: Vec<_> =
                    actions(statement).into_iter().filter(|a| !ARN_LESS_ACTIONS.contains(a)).collect();
                assert!(unscoped.is_empty(), "{name} allows {unscoped:?} on every resource");
            }
            if allows {
                assert!(opt(statement, &["Principal"]).and_then(|p| untag(p).as_str()) != Some("*"), "{name}: public");
            }
            for action in actions(statement) {
                assert!(!action.ends_with(":*") || !allows, "{name} allows every action of a service: {action}");
            }
        }
    }
    assert!(checked > 10, "the policies were found");

    // The SAM policy templates in use are each scoped to one resource of this template.
    for (_, (name, function)) in functions(&template) {
        for policy in list(at(function, &["Properties", "Policies"])) {
            let Some(map) = untag(policy).as_mapping() else { continue };
            for (kind, parameters) in map {
                if kind.as_str() == Some("Statement") {
                    continue;
                }
                let scoped: Vec<_> = parameters.as_mapping().expect("parameters").values().collect();
                assert!(
                    !scoped.is_empty() && scoped.iter().all(|v| reference(v).is_some()),
                    "{name}: {kind:?} is scoped to a resource of this template"
                );
            }
        }
    }
}

/// The web app and the API on one distribution: the app's files from a private bucket only the
/// CDN reads, screens answered with index.html (as `r2w serve` does), the API under /v1/*
/// uncached with every header and cookie, and the app's CSP the same as the local server's.
#[test]
fn the_web_app_and_the_api_share_one_distribution() {
    let template = template();
    let distribution = at(resource(&template, "AppCdn"), &["Properties", "DistributionConfig"]);
    let origins = list(at(distribution, &["Origins"]));
    let app = origins.iter().find(|o| text(o, &["Id"]) == "app").expect("the app origin");
    assert!(opt(app, &["OriginAccessControlId"]).is_some(), "origin access control");
    let api = origins.iter().find(|o| text(o, &["Id"]) == "api").expect("the API origin");
    assert_eq!(text(api, &["CustomOriginConfig", "OriginProtocolPolicy"]), "https-only");

    let default = at(distribution, &["DefaultCacheBehavior"]);
    assert_eq!(text(default, &["TargetOriginId"]), "app");
    assert_eq!(reference(at(default, &["ResponseHeadersPolicyId"])), Some("AppHeaders"));
    let behaviours = list(at(distribution, &["CacheBehaviors"]));
    let api_calls = behaviours.iter().find(|b| text(b, &["PathPattern"]) == "/v1/*").expect("/v1/*");
    assert_eq!(text(api_calls, &["TargetOriginId"]), "api");
    assert_eq!(text(api_calls, &["CachePolicyId"]), "4135ea2d-6df8-44a3-9df3-4b5a84be39ad", "CachingDisabled");
    assert_eq!(text(api_calls, &["OriginRequestPolicyId"]), "b689b0a8-53d0-40ab-baf2-68738e2966ac", "all viewer data");
    assert_eq!(list(at(api_calls, &["AllowedMethods"])).len(), 7);

    let statements = list(at(resource(&template, "AppBucketPolicy"), &["Properties", "PolicyDocument", "Statement"]));
    let allowed: Vec<_> = statements.iter().filter(|s| text(s, &["Effect"]) == "Allow").collect();
    assert_eq!(allowed.len(), 1, "only the CDN reads the app bucket");
    assert!(text(allowed[0], &["Condition", "StringEquals", "AWS:SourceArn"]).ends_with("distribution/${AppCdn}"));

    // The screen rewrite: the same cases as the local server answers.
    let code = text(resource(&template, "AppPaths"), &["Properties", "FunctionCode"]);
    assert!(code.contains(r#"last.indexOf(".") < 0"#) && code.contains(r#"request.uri = "/index.html""#), "{code}");

    let headers =
        at(resource(&template, "AppHeaders"), &["Properties", "ResponseHeadersPolicyConfig", "SecurityHeadersConfig"]);
    let policy = match at(headers, &["ContentSecurityPolicy", "ContentSecurityPolicy"]) {
        Value::Tagged(tagged) if tagged.tag == "Sub" => tagged.value.as_str(),
        other => other.as_str(),
    }
    .expect("a policy");
    let uploads = "https://r2w-${Stage}-uploads-${AWS::AccountId}-${AWS::Region}.s3.${AWS::Region}.${AWS::URLSuffix}";
    let settings = r2w_local::web::AppSettings {
        // A stand-in host: URLs are case-folded, the template's placeholder is not.
        sites_url: "https://sites.invalid/".into(),
        sites_domain: None,
        themes: vec![],
        oauth_providers: vec![],
        // The cloud allows what embedded Checkout needs from Stripe's own addresses.
        stripe_publishable_key: Some("pk_test_any".into()),
        stripe_js_url: r2w_core::config::STRIPE_JS_URL.into(),
    };
    let local = r2w_local::web::WebApp::new(std::path::PathBuf::new(), &settings, &[uploads.to_owned()]);
    let local_policy = local.policy().replace("https://sites.invalid", "https://${SitesCdn.DomainName}");
    assert_eq!(policy, local_policy, "the CDN's policy is the local server's");
    assert_eq!(text(headers, &["FrameOptions", "FrameOption"]), "DENY");
}

#[test]
fn every_function_ships_gradually_behind_its_alias_and_rolls_back_on_its_own_alarms() {
    let template = template();
    assert_eq!(text(&template, &["Globals", "Function", "AutoPublishAlias"]), "live");
    let shift = at(&template, &["Parameters", "TrafficShift"]);
    let default = text(shift, &["Default"]);
    assert!(default.starts_with("Canary") || default.starts_with("Linear"), "production shifts gradually: {default}");

    let http: BTreeSet<&str> = ROUTES.iter().map(|r| r.function).collect();
    let alarms = of_type(&template, "AWS::CloudWatch::Alarm");
    for (binary, (name, function)) in functions(&template) {
        let preference = at(function, &["Properties", "DeploymentPreference"]);
        assert_eq!(reference(at(preference, &["Type"])), Some("TrafficShift"), "{name}");
        let watched: BTreeSet<String> = list(at(preference, &["Alarms"]))
            .into_iter()
            .map(|a| reference(a).unwrap_or_else(|| panic!("{name}: an alarm of this template")).to_owned())
            .collect();
        let mut metrics = BTreeSet::new();
        for alarm in &watched {
            let alarm = alarms.get(alarm).unwrap_or_else(|| panic!("{name}: no alarm {alarm}"));
            let dimensions = list(at(alarm, &["Properties", "Dimensions"]));
            assert!(
                dimensions.iter().any(|d| reference(at(d, &["Value"])) == Some(name.as_str())),
                "{name} rolls back on its own alarms only"
            );
            metrics.insert(text(alarm, &["Properties", "MetricName"]).to_owned());
        }
        let expected: BTreeSet<String> = if http.contains(binary.as_str()) {
            ["Errors", "Duration"].map(str::to_owned).into()
        } else {
            ["Errors"].map(str::to_owned).into()
        };
        assert_eq!(metrics, expected, "{name}: errors, and for an HTTP function its latency");
    }

    // The pipeline runs the versions traffic was shifted to.
    let substitutions = at(resource(&template, "Pipeline"), &["Properties", "DefinitionSubstitutions"]);
    for (key, function) in
        [("ExtractFunctionArn", "ExtractFunction"), ("BuildPortfolioFunctionArn", "BuildPortfolioFunction")]
    {
        assert_eq!(reference(at(substitutions, &[key])), Some(format!("{function}.Alias").as_str()), "{key}");
    }
}

/// The three functions that publish sites draw East Asian names with the faces of the fonts
/// layer, found where the code looks for them; the layer holds exactly those files.
#[test]
fn the_publishing_functions_read_the_card_fonts_from_their_layer() {
    use r2w_sites::images::{EAST_ASIAN_FILES, FONTS_DIR_VARIABLE};
    let template = template();
    let layer = resource(&template, "CardFontsLayer");
    assert_eq!(text(layer, &["Type"]), "AWS::Serverless::LayerVersion");
    let folder = root().join(text(layer, &["Properties", "ContentUri"]));
    let mut held: Vec<String> = std::fs::read_dir(&folder)
        .expect("the layer's folder")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|name| !name.starts_with("LICENSE"))
        .collect();
    held.sort();
    assert_eq!(held, EAST_ASIAN_FILES, "{}", folder.display());
    let functions = functions(&template);
    for binary in ["build-portfolio", "portfolios", "stripe-webhook"] {
        let (name, function) = &functions[binary];
        let layers = list(at(function, &["Properties", "Layers"]));
        assert!(layers.iter().any(|l| reference(l) == Some("CardFontsLayer")), "{name} has the fonts layer");
        assert_eq!(text(function, &["Properties", "Environment", "Variables", FONTS_DIR_VARIABLE]), "/opt", "{name}");
    }
}

/// The programs SAM builds into layers: each `--bin NAME` of a layer's Makefile.
fn layer_programs(template: &Value) -> BTreeSet<String> {
    of_type(template, "AWS::Serverless::LayerVersion")
        .values()
        .filter(|layer| opt(layer, &["Metadata", "BuildMethod"]).is_some_and(|m| untag(m).as_str() == Some("makefile")))
        .flat_map(|layer| {
            let makefile = root().join(text(layer, &["Properties", "ContentUri"])).join("Makefile");
            let makefile = std::fs::read_to_string(&makefile).expect("the layer's Makefile");
            makefile
                .split("--bin ")
                .skip(1)
                .filter_map(|rest| rest.split_whitespace().next().map(str::to_owned))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The extract function links no file parser: it reads each upload through the read-text
/// program of its layer, where the code looks for it (r2w_extract::text::reader). SAM builds the
/// layer for arm64 with the layer's Makefile, into the path the function is given.
#[test]
fn extract_reads_files_through_the_read_text_program_of_its_layer() {
    use r2w_extract::text::reader::PROGRAM_VAR;
    let template = template();
    let layer = resource(&template, "TextReaderLayer");
    assert_eq!(text(layer, &["Type"]), "AWS::Serverless::LayerVersion");
    assert_eq!(text(layer, &["Metadata", "BuildMethod"]), "makefile");
    assert_eq!(text(layer, &["Metadata", "BuildArchitecture"]), "arm64");
    assert_eq!(
        list(at(layer, &["Properties", "CompatibleArchitectures"])).iter().map(|a| a.as_str()).collect::<Vec<_>>(),
        [Some("arm64")]
    );
    let makefile = root().join(text(layer, &["Properties", "ContentUri"])).join("Makefile");
    let makefile = std::fs::read_to_string(&makefile).expect("the layer's Makefile");
    assert!(makefile.contains("build-TextReaderLayer:"), "SAM runs the target named for the layer");
    assert!(makefile.contains("--release --arm64"), "built as the functions are");
    assert!(makefile.contains("--no-default-features --features read"), "the parsers, without the AWS wiring");
    assert!(makefile.contains("\"$(ARTIFACTS_DIR)/bin/read-text\""), "installed at bin/read-text");
    assert_eq!(layer_programs(&template), BTreeSet::from(["read-text".to_owned()]));

    let functions = functions(&template);
    let (name, function) = &functions["extract"];
    let layers = list(at(function, &["Properties", "Layers"]));
    assert!(layers.iter().any(|l| reference(l) == Some("TextReaderLayer")), "{name} has the reader's layer");
    // A layer is unpacked under /opt.
    assert_eq!(text(function, &["Properties", "Environment", "Variables", PROGRAM_VAR]), "/opt/bin/read-text");
    for (binary, (name, function)) in &functions {
        if binary != "extract" {
            assert!(opt(function, &["Properties", "Environment", "Variables", PROGRAM_VAR]).is_none(), "{name}");
        }
    }
}

/// SAM's build cache is keyed on a function's CodeUri folder alone: with it on, a change to a
/// shared crate (crates/*) left every function's previous binary in place, to be deployed.
#[test]
fn every_build_rebuilds_from_the_sources_not_from_sams_cache() {
    let text = std::fs::read_to_string(root().join("samconfig.toml")).expect("samconfig.toml");
    let config: toml::Table = toml::from_str(&text).expect("samconfig.toml is TOML");
    for (environment, sections) in &config {
        let Some(build) = sections.get("build").and_then(|b| b.get("parameters")) else { continue };
        let cached = build.get("cached").and_then(toml::Value::as_bool);
        assert_eq!(cached, Some(false), "[{environment}.build.parameters] cached");
    }
    for environment in ["default", "staging", "prod"] {
        assert!(config.get(environment).and_then(|e| e.get("build")).is_some(), "[{environment}.build.parameters]");
    }
}

#[test]
fn staging_and_production_are_two_stacks_and_production_asks_before_changing() {
    let text = std::fs::read_to_string(root().join("samconfig.toml")).expect("samconfig.toml");
    let config: toml::Table = toml::from_str(&text).expect("samconfig.toml is TOML");
    let deploy = |stage: &str| -> &toml::Table {
        config
            .get(stage)
            .and_then(|s| s.get("deploy"))
            .and_then(|d| d.get("parameters"))
            .and_then(toml::Value::as_table)
            .unwrap_or_else(|| panic!("[{stage}.deploy.parameters]"))
    };
    let (staging, prod) = (deploy("staging"), deploy("prod"));
    let value =
        |table: &toml::Table, key: &str| table.get(key).and_then(toml::Value::as_str).unwrap_or_default().to_owned();
    assert_ne!(value(staging, "stack_name"), value(prod, "stack_name"));
    assert!(value(staging, "parameter_overrides").contains("Stage=\"staging\""), "{staging:?}");
    assert!(value(prod, "parameter_overrides").contains("Stage=\"prod\""), "{prod:?}");
    assert_eq!(prod.get("confirm_changeset").and_then(toml::Value::as_bool), Some(true));

    // Two stages in one account: every name the template gives carries the stage (a DNS
    // record's name is under the stage's own SitesDomain, a parameter).
    let template = template();
    for (name, resource) in resources(&template) {
        if opt(resource, &["Type"]).and_then(Value::as_str) == Some("AWS::Route53::RecordSet") {
            let record = untag(at(resource, &["Properties", "Name"])).as_str().unwrap_or_default();
            assert!(record.contains("${SitesDomain}"), "{name}");
            continue;
        }
        for key in ["FunctionName", "Name", "TableName", "BucketName", "LogGroupName", "StateMachineName"] {
            let given = opt(resource, &["Properties", key]).filter(|v| reference(v).is_none());
            if let Some(value) = given.and_then(|v| untag(v).as_str()) {
                assert!(value.contains("${Stage}"), "{name}.{key} = {value} would collide between stages");
            }
        }
    }
}

/// A custom domain's tenant already points at its site's folder (the origin path): its function
/// only gives folders their index.html, as `r2w serve` does for a claimed domain.
#[test]
fn a_custom_domain_serves_its_site_folders_with_their_index() {
    let template = template();
    let code = text(resource(&template, "CustomDomainPaths"), &["Properties", "FunctionCode"]);
    let paths = ["/", "/card.png", "/assets/modern.0a1b2c3d4e.css", "/robots.txt", "/nested/"];
    let harness = format!(
        "{code}\nfor (const uri of {}) console.log(handler({{ request: {{ uri }} }}).uri);\n",
        serde_json::to_string(&paths).expect("JSON")
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let script = dir.path().join("custom-domain-paths.js");
    std::fs::write(&script, harness).expect("write");
    let output = Command::new("node").arg(&script).output().expect("node runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let cdn: Vec<String> = String::from_utf8_lossy(&output.stdout).lines().map(str::to_owned).collect();
    assert_eq!(cdn, ["/index.html", "/card.png", "/assets/modern.0a1b2c3d4e.css", "/robots.txt", "/nested/index.html"]);
}
