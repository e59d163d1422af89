//! `r2w`: Resume2Website on one machine, wiring the function crates to the embedded default
//! (SQLite and folders under `R2W_DATA_DIR`). Settings come from the environment and `.env`.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand, ValueEnum};

mod demo;
use r2w_core::clock::SystemClock;
use r2w_core::model::{CvData, cv_json_schema, json_resume};
use r2w_core::secrets::{EnvSecrets, Secrets};
use r2w_core::{Config, telemetry};
use r2w_embedded::SqliteTable;
use r2w_extract::eval;
use r2w_extract::extractor::{ANTHROPIC_KEY_SECRET, Extractor, Mode, offline};
use r2w_extract::llm::{Claude, ClaudeConfig};
use r2w_local::legacy::{ImportOptions, Importer, LegacyDatabase};
use r2w_sites::{SiteOptions, Theme};

#[derive(Parser)]
#[command(name = "r2w", version, about = "Resume2Website on one machine")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the JSON Schema of CV data (the 18 sections).
    Schema,
    /// Print the OpenAPI 3.1 document of the HTTP API (as docs/openapi.json).
    Openapi,
    /// Convert CV data to JSON Resume or back; the input format is detected.
    Convert {
        /// A JSON file, or - for standard input.
        input: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::JsonResume)]
        to: Format,
    },
    /// Extract CV data from a PDF, Word (.docx) or text file and print it as JSON.
    Extract {
        file: PathBuf,
        /// auto: Claude when an Anthropic API key is configured, the offline heuristic otherwise.
        #[arg(long, value_enum, default_value_t = ExtractorChoice::Auto)]
        extractor: ExtractorChoice,
        #[arg(long, value_enum, default_value_t = Format::R2w)]
        format: Format,
    },
    /// Score an extractor on a folder of CV files and their truth (docs/extraction-quality.md):
    /// per-field precision, recall and F1, by format, language and renderer, time per CV and,
    /// for Claude, tokens and cost per CV.
    Eval {
        dir: PathBuf,
        /// heuristic (the offline extractor) or anthropic (Claude, with the configured key and model).
        #[arg(long, value_enum, default_value_t = EvalReader::Heuristic)]
        extractor: EvalReader,
        /// Renderers (subfolders) kept out of tuning, reported apart; comma-separated.
        #[arg(long, value_delimiter = ',')]
        held_out: Vec<String>,
        /// Exit with an error when the overall F1 is below this.
        #[arg(long)]
        min_f1: Option<f64>,
        /// Also list, per file of a tuned renderer, every value missed or made up.
        #[arg(long)]
        misses: bool,
    },
    /// Render a portfolio site from CV data or a JSON Resume document into a folder.
    Build {
        /// A JSON file (CV data or JSON Resume, detected), or - for standard input.
        input: PathBuf,
        #[arg(long)]
        out: PathBuf,
        /// classic, modern or minimal (`r2w themes` lists them).
        #[arg(long, default_value = "classic")]
        theme: String,
        /// The public address the site will have (canonical links, sitemap); without it the
        /// site is a preview that asks search engines not to index it.
        #[arg(long)]
        url: Option<url::Url>,
    },
    /// List the portfolio themes.
    Themes,
    /// Print the web app's config.json for a deployment (`make deploy` uploads it beside the app).
    WebConfig {
        /// Where the sites are served (the sites CDN's URL).
        #[arg(long)]
        sites_url: url::Url,
        /// Published sites are at `{slug}.{this}` (empty: under the sites URL).
        #[arg(long, default_value = "")]
        sites_domain: String,
        /// Sign-in providers with a client id, comma-separated.
        #[arg(long, default_value = "")]
        oauth_providers: String,
        /// Stripe's publishable key (pk_...).
        #[arg(long, default_value = "")]
        stripe_publishable_key: String,
    },
    /// Check the configuration from the environment and print it.
    Config,
    /// Serve every route of every function on one port, with the in-process pipeline.
    Serve {
        #[arg(long, default_value_t = 8080)]
        port: u16,
        /// Where the data lives (default: R2W_DATA_DIR, else ./data).
        #[arg(long)]
        data_dir: Option<PathBuf>,
    },
    /// Start the server, upload a CV through the HTTP API as a frontend would, watch the job
    /// and print the preview URL; then keep serving (or exit with --once).
    Demo {
        /// The CV (PDF, DOCX or text); default: an example CV in the repository.
        file: Option<PathBuf>,
        #[arg(long, default_value_t = 8080)]
        port: u16,
        #[arg(long)]
        data_dir: Option<PathBuf>,
        /// Exit once the preview URL is printed.
        #[arg(long)]
        once: bool,
        /// Run the same client steps against a server that is already running (such as
        /// `cargo lambda watch` on http://127.0.0.1:9000) instead of starting one; prints the
        /// preview URL and exits.
        #[arg(long, conflicts_with_all = ["port", "data_dir", "once"])]
        server: Option<url::Url>,
    },
    /// Import the original app's SQLite database and upload folder into the configured backend
    /// (embedded by default, AWS with R2W_BACKEND=aws). Safe to run again: what is there stays.
    ImportLegacy {
        /// The original's database (its default was data/resume2website.db).
        #[arg(long)]
        db: PathBuf,
        /// The original's upload folder (its default was data/uploads).
        #[arg(long)]
        uploads: PathBuf,
        /// Read everything and report what would be imported; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Also keep the uploads of anonymous visitors that no account claimed.
        #[arg(long)]
        include_anonymous: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum ExtractorChoice {
    Auto,
    Anthropic,
    Heuristic,
}

#[derive(Clone, Copy, ValueEnum)]
enum EvalReader {
    Heuristic,
    Anthropic,
}

impl From<ExtractorChoice> for Mode {
    fn from(choice: ExtractorChoice) -> Self {
        match choice {
            ExtractorChoice::Auto => Mode::Auto,
            ExtractorChoice::Anthropic => Mode::Anthropic,
            ExtractorChoice::Heuristic => Mode::Heuristic,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// Resume2Website CV data.
    R2w,
    /// A JSON Resume document (jsonresume.org).
    JsonResume,
}

#[derive(Debug, thiserror::Error)]
enum CliError {
    #[error("cannot read {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("cannot write {path}: {source}")]
    Write { path: String, source: std::io::Error },
    #[error("{0} is not JSON: {1}")]
    NotJson(String, serde_json::Error),
    #[error("{0}")]
    Invalid(String),
}

fn main() -> ExitCode {
    // A missing .env is normal; a malformed one is worth saying.
    if let Err(e) = dotenvy::dotenv()
        && !e.not_found()
    {
        eprintln!("r2w: ignoring .env: {e}");
    }
    let cli = Cli::parse();
    // Serving wants every core; a command that reads a file and prints is done before worker
    // threads would have started, so it runs on this thread.
    let mut runtime = match cli.command {
        Command::Serve { .. } | Command::Demo { .. } | Command::ImportLegacy { .. } => {
            tokio::runtime::Builder::new_multi_thread()
        }
        _ => tokio::runtime::Builder::new_current_thread(),
    };
    let outcome = match runtime.enable_all().build() {
        Ok(runtime) => runtime.block_on(run(cli)),
        Err(e) => Err(CliError::Invalid(format!("cannot start the async runtime: {e}"))),
    };
    match outcome {
        // A reader that stopped early (`r2w extract cv.pdf | head`) is not a failure.
        Ok(output) => match writeln!(std::io::stdout(), "{output}") {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("r2w: cannot write the output: {e}");
                ExitCode::FAILURE
            }
        },
        Err(e) => {
            eprintln!("r2w: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<String, CliError> {
    match cli.command {
        Command::Schema => pretty(&cv_json_schema()),
        Command::Openapi => pretty(&r2w_local::openapi::document()),
        Command::Convert { input, to } => render(&read_cv(&input)?, to),
        Command::Build { input, out, theme, url } => {
            let cv = read_cv(&input)?;
            let theme = Theme::parse(&theme).map_err(|e| CliError::Invalid(e.to_string()))?;
            let canonical_url = url.map(|mut url| {
                if !url.path().ends_with('/') {
                    url.set_path(&format!("{}/", url.path()));
                }
                url
            });
            let site = r2w_sites::render(&cv, &SiteOptions { canonical_url, ..SiteOptions::preview(theme) })
                .map_err(|e| CliError::Invalid(e.to_string()))?;
            for file in &site.files {
                let path = out.join(&file.path);
                let write = |path: &std::path::Path| -> std::io::Result<()> {
                    if let Some(parent) = path.parent() {
                        std::fs::create_dir_all(parent)?;
                    }
                    std::fs::write(path, &file.body)
                };
                write(&path).map_err(|source| CliError::Write { path: path.display().to_string(), source })?;
            }
            Ok(format!("{} files in {}; open {}", site.files.len(), out.display(), out.join("index.html").display()))
        }
        Command::Themes => {
            Ok(Theme::ALL.iter().map(|t| format!("{:<8} {}", t.name(), t.description())).collect::<Vec<_>>().join("\n"))
        }
        Command::WebConfig { sites_url, sites_domain, oauth_providers, stripe_publishable_key } => {
            let settings = r2w_local::web::AppSettings {
                sites_url: sites_url.to_string(),
                sites_domain: Some(sites_domain).filter(|d| !d.is_empty()),
                themes: r2w_local::web::WebApp::themes(),
                oauth_providers: oauth_providers.split(',').filter(|p| !p.is_empty()).map(str::to_owned).collect(),
                stripe_publishable_key: Some(stripe_publishable_key).filter(|k| !k.is_empty()),
                stripe_js_url: r2w_core::config::STRIPE_JS_URL.to_owned(),
            };
            pretty(&settings)
        }
        Command::Extract { file, extractor: choice, format } => {
            let original =
                std::fs::read(&file).map_err(|source| CliError::Read { path: file.display().to_string(), source })?;
            let config = Config::from_env().map_err(|e| CliError::Invalid(e.to_string()))?;
            telemetry::init(config.log_format);
            // Reading a file touches no data folder: no table, no keys, nothing cached.
            let secrets = Arc::new(EnvSecrets::from_env());
            let has_key = secrets.get(ANTHROPIC_KEY_SECRET).await.is_ok();
            let cv = match choice {
                ExtractorChoice::Heuristic => offline(&original),
                ExtractorChoice::Auto if !has_key => offline(&original),
                _ => {
                    let scratch = SqliteTable::in_memory().map_err(|e| CliError::Invalid(e.to_string()))?;
                    let extractor = Extractor::standalone(&config.anthropic, secrets, Arc::new(scratch))
                        .map_err(|e| CliError::Invalid(e.to_string()))?;
                    extractor.extract(None, bytes::Bytes::from(original), choice.into()).await
                }
            }
            .map_err(|e| CliError::Invalid(format!("{}: {e}", file.display())))?;
            render(&cv, format)
        }
        Command::Eval { dir, extractor, held_out, min_f1, misses } => {
            let (cases, without_truth) = eval::discover(&dir).map_err(|e| CliError::Invalid(e.to_string()))?;
            if cases.is_empty() {
                return Err(CliError::Invalid(format!("{}: no CV file with a truth document", dir.display())));
            }
            let config = Config::from_env().map_err(|e| CliError::Invalid(e.to_string()))?;
            // The heuristic needs no HTTP client; Claude is called directly (no cache, no breaker).
            let claude = match extractor {
                EvalReader::Heuristic => None,
                EvalReader::Anthropic => {
                    let api_key = EnvSecrets::from_env()
                        .get(ANTHROPIC_KEY_SECRET)
                        .await
                        .map_err(|_| CliError::Invalid("set ANTHROPIC_API_KEY (or .env) to measure Claude".into()))?;
                    let client = Claude::new(ClaudeConfig::new(&config.anthropic))
                        .map_err(|e| CliError::Invalid(e.to_string()))?;
                    Some((client, api_key))
                }
            };
            let (reader, model) = match &claude {
                None => (eval::Reader::Heuristic, None),
                Some((client, api_key)) => {
                    (eval::Reader::Claude { claude: client, api_key: api_key.clone() }, Some(client.model().to_owned()))
                }
            };
            let mut outcomes = Vec::with_capacity(cases.len());
            for case in &cases {
                outcomes.push(eval::read(case, &reader).await);
            }
            let report = eval::Report::new(&cases, &outcomes, &held_out);
            let mut out = report.markdown(model.as_deref());
            if misses {
                out.push('\n');
                out.push_str(&report.misses_text());
            }
            for file in without_truth {
                out.push_str(&format!("skipped (no truth): {}\n", file.display()));
            }
            let f1 = report.overall.total().f1();
            match min_f1 {
                Some(min) if f1 < min => Err(CliError::Invalid(format!("{out}\noverall F1 {f1:.3} is below {min}"))),
                _ => Ok(out.trim_end().to_owned()),
            }
        }
        Command::Config => {
            let config = Config::from_env().map_err(|e| CliError::Invalid(e.to_string()))?;
            Ok(format!("{config:#?}"))
        }
        Command::ImportLegacy { db, uploads, dry_run, include_anonymous } => {
            let config = Config::from_env().map_err(|e| CliError::Invalid(e.to_string()))?;
            telemetry::init(config.log_format);
            let app = r2w_wiring::app(config).await.map_err(|e| CliError::Invalid(e.to_string()))?;
            let database = LegacyDatabase::open(&db).map_err(|e| CliError::Invalid(e.to_string()))?;
            let options = ImportOptions { dry_run, include_anonymous };
            let report = Importer::new(app, Arc::new(SystemClock), options)
                .run(&database, &uploads)
                .await
                .map_err(|e| CliError::Invalid(format!("the import stopped (run it again to continue): {e}")))?;
            let heading = if dry_run { "dry run: nothing was written" } else { "import finished" };
            Ok(format!("{heading}\n\n{report}"))
        }
        Command::Serve { port, data_dir } => {
            let (listener, server, base) = start_server(port, data_dir).await?;
            eprintln!("r2w: serving the app, the API, uploads and sites on {base} (Ctrl-C stops)");
            tokio::select! {
                served = server.serve(listener) => served.map_err(|e| CliError::Invalid(e.to_string()))?,
                _ = tokio::signal::ctrl_c() => {}
            }
            Ok("stopped".into())
        }
        Command::Demo { file, port, data_dir, once, server } => {
            let file = file.unwrap_or_else(|| PathBuf::from(demo::EXAMPLE_CV));
            if let Some(base) = server {
                return demo::run(&base, &file).await.map_err(CliError::Invalid);
            }
            let (listener, server, base) = start_server(port, data_dir).await?;
            let serving = tokio::spawn(Arc::clone(&server).serve(listener));
            let preview = demo::run(&base, &file).await.map_err(CliError::Invalid)?;
            if once {
                serving.abort();
                return Ok(preview);
            }
            println!("{preview}");
            println!("the app: {base} (sign up there to upload and edit your own CV)");
            eprintln!("r2w: still serving on {base}; Ctrl-C stops");
            let _ = tokio::signal::ctrl_c().await;
            serving.abort();
            Ok("stopped".into())
        }
    }
}

/// The server on 127.0.0.1:`port`, with its data under `data_dir`. Unless R2W_PUBLIC_URL says
/// otherwise, URLs it hands out (presigned uploads, previews) point at the bound address.
async fn start_server(
    port: u16,
    data_dir: Option<PathBuf>,
) -> Result<(tokio::net::TcpListener, Arc<r2w_local::server::Server>, url::Url), CliError> {
    let invalid = |e: &dyn std::fmt::Display| CliError::Invalid(e.to_string());
    let mut vars: Vec<(String, String)> = std::env::vars().collect();
    if let Some(dir) = data_dir {
        vars.push(("R2W_DATA_DIR".into(), dir.display().to_string()));
    }
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await.map_err(|e| invalid(&e))?;
    let bound = listener.local_addr().map_err(|e| invalid(&e))?;
    if !vars.iter().any(|(k, v)| k == "R2W_PUBLIC_URL" && !v.is_empty()) {
        vars.push(("R2W_PUBLIC_URL".into(), format!("http://{bound}")));
        // Sites on another host than the app (localhost rather than 127.0.0.1), as in the cloud:
        // a site can never read the app's cookies or storage.
        if !vars.iter().any(|(k, v)| k == "R2W_SITES_URL" && !v.is_empty()) {
            vars.push(("R2W_SITES_URL".into(), format!("http://localhost:{}/sites/", bound.port())));
            // And each published site on a host of its own, `{slug}.localhost` (browsers resolve
            // every name under localhost to this machine), as under a sites domain in the cloud.
            if !vars.iter().any(|(k, _)| k == "R2W_SITES_DOMAIN") {
                vars.push(("R2W_SITES_DOMAIN".into(), "localhost".into()));
            }
        }
    }
    let config = Config::from_vars(vars.clone()).map_err(|e| invalid(&e))?;
    telemetry::init(config.log_format);
    let base = config.public_url.clone();
    let settings = r2w_auth::AuthSettings::from_vars(vars.clone(), &config.public_url).map_err(|e| invalid(&e))?;
    let payments = r2w_stripe_webhook::PaymentSettings::from_vars(vars, &config.public_url).map_err(|e| invalid(&e))?;
    let app = r2w_wiring::app(config).await.map_err(|e| invalid(&e))?;
    let server = r2w_local::server::Server::new(app, settings, payments, Arc::new(SystemClock))
        .await
        .map_err(|e| invalid(&e))?;
    Ok((listener, server, base))
}

/// CV data or a JSON Resume document, told apart by their shape.
fn read_cv(input: &PathBuf) -> Result<CvData, CliError> {
    let name = input.display().to_string();
    let text = read_input(input)?;
    let doc: serde_json::Value = serde_json::from_str(&text).map_err(|e| CliError::NotJson(name.clone(), e))?;
    if is_cv_data(&doc) {
        CvData::from_json(text.as_bytes()).map_err(|e| CliError::Invalid(format!("{name}: {e}")))
    } else {
        json_resume::import(&doc).map_err(|e| CliError::Invalid(format!("{name}: {e}")))
    }
}

/// Our CV data carries `schemaVersion` at the top; a JSON Resume document never does.
fn is_cv_data(doc: &serde_json::Value) -> bool {
    doc.get("schemaVersion").is_some()
}

fn read_input(path: &PathBuf) -> Result<String, CliError> {
    let read_error = |source| CliError::Read { path: path.display().to_string(), source };
    if path.as_os_str() == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map_err(read_error)?;
        Ok(text)
    } else {
        std::fs::read_to_string(path).map_err(read_error)
    }
}

fn render(cv: &CvData, format: Format) -> Result<String, CliError> {
    match format {
        Format::R2w => pretty(cv),
        Format::JsonResume => pretty(&json_resume::export(cv)),
    }
}

fn pretty(value: &impl serde::Serialize) -> Result<String, CliError> {
    serde_json::to_string_pretty(value).map_err(|e| CliError::Invalid(e.to_string()))
}
