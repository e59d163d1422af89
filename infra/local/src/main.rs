//! `r2w`: Resume2Website on one machine. Later subcommands (serve, demo, extract, build) wire
//! the function crates together; these work on CV data alone.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use r2w_shared::Config;
use r2w_shared::model::{CvData, cv_json_schema, json_resume};

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
    /// Convert CV data to JSON Resume or back; the input format is detected.
    Convert {
        /// A JSON file, or - for standard input.
        input: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::JsonResume)]
        to: Format,
    },
    /// Check the configuration from the environment and print it.
    Config,
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
    #[error("{0} is not JSON: {1}")]
    NotJson(String, serde_json::Error),
    #[error("{0}")]
    Invalid(String),
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(output) => {
            println!("{output}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("r2w: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<String, CliError> {
    match cli.command {
        Command::Schema => pretty(&cv_json_schema()),
        Command::Convert { input, to } => {
            let name = input.display().to_string();
            let text = read_input(&input)?;
            let doc: serde_json::Value = serde_json::from_str(&text).map_err(|e| CliError::NotJson(name.clone(), e))?;
            let cv = if is_cv_data(&doc) {
                CvData::from_json(text.as_bytes()).map_err(|e| CliError::Invalid(format!("{name}: {e}")))?
            } else {
                json_resume::import(&doc).map_err(|e| CliError::Invalid(format!("{name}: {e}")))?
            };
            match to {
                Format::R2w => pretty(&cv),
                Format::JsonResume => pretty(&json_resume::export(&cv)),
            }
        }
        Command::Config => {
            let config = Config::from_env().map_err(|e| CliError::Invalid(e.to_string()))?;
            Ok(format!("{config:#?}"))
        }
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

fn pretty(value: &impl serde::Serialize) -> Result<String, CliError> {
    serde_json::to_string_pretty(value).map_err(|e| CliError::Invalid(e.to_string()))
}
