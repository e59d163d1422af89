//! Where a file's text is read: in this process, or in a `read-text` child.
//!
//! The parsers are other people's code fed hostile bytes. In a child, a parser's panic, runaway
//! loop or memory blow-up ends the child, not the function, and the file is refused with a
//! reason. The child is a program of its own (`src/bin/read-text.rs`, the Lambda layer
//! `TextReaderLayer`): it links the parsers and nothing else, so the extract function carries no
//! parser, and the child has no AWS client, no network code and no credentials in its
//! environment. The Lambda profile aborts on panic (docs/benchmarks.md, "Packaging for Lambda"),
//! so a child is also the only way the function survives a parser's panic.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use bytes::Bytes;
use r2w_core::error::Detail;
use tokio::io::AsyncWriteExt;

use super::{ExtractedText, SourceFormat, TextError};
use crate::extractor::ExtractError;

/// The variable naming the `read-text` program (the Lambda: `/opt/bin/read-text`).
pub const PROGRAM_VAR: &str = "R2W_TEXT_READER";

/// How long a child may read a file. A CV's PDF reads in milliseconds (docs/benchmarks.md); one
/// that takes seconds is a parser looping on hostile bytes.
pub const READ_DEADLINE: Duration = Duration::from_secs(15);

/// How a process reads the text of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextReader {
    /// In this process, a parser's panic caught: builds that unwind and link the parsers (the
    /// `r2w` command, `cargo lambda watch`, the tests).
    #[cfg(feature = "read")]
    InProcess,
    /// In a child running `program` (the `read-text` binary) with no environment, killed after
    /// `deadline`.
    Child { program: PathBuf, deadline: Duration },
}

impl TextReader {
    /// The reader the environment names ([`PROGRAM_VAR`]); without one, this process if it
    /// links the parsers.
    pub fn from_env() -> Result<Self, ExtractError> {
        match std::env::var_os(PROGRAM_VAR).filter(|program| !program.is_empty()) {
            Some(program) => Ok(Self::Child { program: program.into(), deadline: READ_DEADLINE }),
            #[cfg(feature = "read")]
            None => Ok(Self::InProcess),
            #[cfg(not(feature = "read"))]
            None => Err(ExtractError::Internal(
                format!("this build reads files in a child process: set {PROGRAM_VAR} to the read-text program").into(),
            )),
        }
    }

    /// The text of `bytes`, or why the file cannot be read; `Err` only when reading could not be
    /// tried (a child that cannot be started).
    pub async fn read(&self, bytes: Bytes) -> Result<Result<ExtractedText, TextError>, ExtractError> {
        match self {
            #[cfg(feature = "read")]
            Self::InProcess => crate::extractor::blocking(move || super::extract(&bytes)).await,
            Self::Child { program, deadline } => {
                // Refused here without a child: what the bytes are is known from their first few.
                let format = match super::check_size(bytes.len() as u64).and_then(|()| super::detect(&bytes)) {
                    Ok(format) => format,
                    Err(refused) => return Ok(Err(refused)),
                };
                read_in_child(program, *deadline, bytes, format).await
            }
        }
    }
}

async fn read_in_child(
    program: &std::path::Path,
    deadline: Duration,
    bytes: Bytes,
    format: SourceFormat,
) -> Result<Result<ExtractedText, TextError>, ExtractError> {
    let mut command = tokio::process::Command::new(program);
    command.env_clear().stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::inherit()).kill_on_drop(true);
    // The dynamic loader's search path is all a child needs from the environment.
    if let Some(path) = std::env::var_os("LD_LIBRARY_PATH") {
        command.env("LD_LIBRARY_PATH", path);
    }
    let mut child = command.spawn().map_err(|e| {
        ExtractError::Internal(Detail::new(format!("starting the file reader {}", program.display()), e))
    })?;
    let mut stdin = child.stdin.take().ok_or_else(|| ExtractError::Internal("the file reader has no stdin".into()))?;
    // Fed while its answer is read: a 10 MB file does not fit in a pipe.
    let feed = async move {
        // A child that stops reading (it crashed) is judged by how it ended, not by the pipe.
        let _ = stdin.write_all(&bytes).await;
    };
    let started = Instant::now();
    // Out of time, the child is dropped, so killed (`kill_on_drop`).
    let Ok(ended) = tokio::time::timeout(deadline, async { tokio::join!(feed, child.wait_with_output()).1 }).await
    else {
        tracing::warn!(
            format = format.as_str(),
            deadline_ms = deadline.as_millis() as u64,
            "the file reader ran out of time; the file is refused"
        );
        return Ok(Err(TextError::Corrupt(format!(
            "the {} file took too long to read; save it again or export it anew",
            format.as_str().to_uppercase()
        ))));
    };
    let output = ended.map_err(|e| ExtractError::Internal(Detail::new("waiting for the file reader", e)))?;
    if output.status.success()
        && let Ok(answer) = serde_json::from_slice::<Result<ExtractedText, TextError>>(&output.stdout)
    {
        return Ok(answer);
    }
    // Its panic message, if any, went to this process's stderr (the function's log).
    tracing::error!(
        format = format.as_str(),
        status = %output.status,
        duration_ms = started.elapsed().as_millis() as u64,
        "the file reader failed; the file is refused"
    );
    Ok(Err(super::unreadable(format)))
}

/// The `read-text` program: the file on stdin, its text (or why not) as JSON on stdout. A
/// parser's panic is not caught here: it ends this process, and the parent refuses the file.
#[cfg(feature = "read")]
pub fn serve_stdio() -> std::process::ExitCode {
    use std::io::{Read, Write};
    use std::process::ExitCode;

    let mut bytes = Vec::new();
    // One byte past the limit is enough to refuse a file as too large.
    if let Err(e) = std::io::stdin().take(super::MAX_FILE_BYTES as u64 + 1).read_to_end(&mut bytes) {
        eprintln!("read-text: reading the file: {e}");
        return ExitCode::FAILURE;
    }
    let answer = super::read_unguarded(&bytes);
    let mut stdout = std::io::stdout().lock();
    match serde_json::to_writer(&mut stdout, &answer).map_err(std::io::Error::from).and_then(|()| stdout.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("read-text: writing the answer: {e}");
            ExitCode::FAILURE
        }
    }
}
