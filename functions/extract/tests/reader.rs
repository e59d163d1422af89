//! Files read in a `read-text` child, as the extract Lambda reads them: the same answers as the
//! parsers in process, and a child that crashes, hangs or talks nonsense refuses the file
//! without harming the function.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use bytes::Bytes;
use r2w_extract::extractor::ExtractError;
use r2w_extract::text::reader::TextReader;
use r2w_extract::text::{self, TextError};

use crate::support::{fixture, pdf_with_pages};

fn read_text_child() -> TextReader {
    TextReader::Child { program: PathBuf::from(env!("CARGO_BIN_EXE_read-text")), deadline: Duration::from_secs(20) }
}

/// A stand-in reader: a shell script, for the ways a real one can fail.
fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).expect("script");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    path
}

async fn read(reader: &TextReader, bytes: &[u8]) -> Result<text::ExtractedText, TextError> {
    reader.read(Bytes::copy_from_slice(bytes)).await.expect("the reader started")
}

#[tokio::test]
async fn a_read_text_child_answers_as_the_parsers_do_in_process() {
    let child = read_text_child();
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("PDF", fixture("pdf/01-en-classic.pdf")),
        ("right-to-left PDF", fixture("pdf/12-he-classic.pdf")),
        ("DOCX", fixture("docx/01-en-classic.docx")),
        ("text", fixture("txt/01-en-classic.txt")),
        ("empty file", Vec::new()),
        ("truncated PDF", fixture("pdf/01-en-classic.pdf")[..4096].to_vec()),
        ("encrypted PDF", fixture("bad/encrypted.pdf")),
        ("500-page PDF", pdf_with_pages(500, Some("Page of a very long document"))),
        ("image-only PDF", pdf_with_pages(2, None)),
        ("11 MB file", vec![b'a'; 11 * 1024 * 1024]),
        ("PNG", fixture("bad/photo.png")),
        ("fuzzer's PDF", fixture("bad/fuzz-pdf-char-boundary.pdf")),
    ];
    for (what, bytes) in files {
        let in_process = text::extract(&bytes);
        assert_eq!(read(&child, &bytes).await, in_process, "{what}");
        if what == "PDF" {
            assert!(in_process.is_ok_and(|read| read.text.contains("Olivia Bennett")), "{what}");
        }
    }
}

#[tokio::test]
async fn a_child_that_crashes_refuses_the_file_and_the_next_one_reads() {
    let dir = tempfile::tempdir().expect("tempdir");
    let crashing = TextReader::Child {
        program: script(dir.path(), "crash", "cat > /dev/null\nkill -ABRT $$"),
        deadline: Duration::from_secs(20),
    };
    let pdf = fixture("pdf/01-en-classic.pdf");
    match read(&crashing, &pdf).await {
        Err(TextError::Corrupt(message)) => assert!(message.contains("PDF file could not be read"), "{message}"),
        other => panic!("a crashed reader: {other:?}"),
    }
    // The function carries on: the next file reads.
    assert!(read(&read_text_child(), &pdf).await.is_ok());
}

#[tokio::test]
async fn a_child_that_answers_nonsense_or_nothing_refuses_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let docx = fixture("docx/01-en-classic.docx");
    for (name, body) in
        [("nonsense", "cat > /dev/null\necho nonsense"), ("silent", "cat > /dev/null"), ("failing", "exit 3")]
    {
        let reader = TextReader::Child { program: script(dir.path(), name, body), deadline: Duration::from_secs(20) };
        assert_eq!(
            read(&reader, &docx).await,
            Err(TextError::Corrupt("the DOCX file could not be read; save it again or export it anew".into())),
            "{name}"
        );
    }
}

#[tokio::test]
async fn a_child_that_runs_out_of_time_is_killed_and_the_file_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pid_file = dir.path().join("pid");
    let hanging = TextReader::Child {
        program: script(dir.path(), "hang", &format!("echo $$ > {}\nexec sleep 60", pid_file.display())),
        deadline: Duration::from_millis(500),
    };
    let started = Instant::now();
    match read(&hanging, &fixture("pdf/01-en-classic.pdf")).await {
        Err(TextError::Corrupt(message)) => assert!(message.contains("took too long"), "{message}"),
        other => panic!("a hanging reader: {other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(30), "the deadline, not the child, ended the read");
    // Killed, not left running: gone, or a zombie until the runtime reaps it.
    let pid = std::fs::read_to_string(&pid_file).expect("the script ran");
    let stat = format!("/proc/{}/stat", pid.trim());
    let gone = (0..100).any(|_| {
        let dead = std::fs::read_to_string(&stat).map_or(true, |s| s.split_whitespace().nth(2) == Some("Z"));
        if !dead {
            std::thread::sleep(Duration::from_millis(50));
        }
        dead
    });
    assert!(gone, "the reader {} still runs", pid.trim());
}

#[tokio::test]
async fn a_child_sees_none_of_the_functions_environment() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Answers with the names of its environment variables as the file's text.
    let names = script(
        dir.path(),
        "env",
        r#"cat > /dev/null
printf '{"Ok":{"format":"text","text":"%s","pages":1}}' "$(env | cut -d= -f1 | sort | tr '\n' ' ')""#,
    );
    let reader = TextReader::Child { program: names, deadline: Duration::from_secs(20) };
    let seen = read(&reader, b"Dana Levi\nEngineer\n").await.expect("answer").text;
    let allowed = ["LD_LIBRARY_PATH", "OLDPWD", "PWD", "SHLVL", "_"];
    let leaked: Vec<&str> = seen.split_whitespace().filter(|name| !allowed.contains(name)).collect();
    assert!(leaked.is_empty(), "the reader saw {leaked:?}");
    assert!(std::env::vars().any(|(name, _)| name.starts_with("CARGO")), "the test itself has an environment");
}

#[tokio::test]
async fn a_file_the_bytes_refuse_never_starts_a_child_and_a_missing_reader_is_our_error() {
    let missing =
        TextReader::Child { program: PathBuf::from("/nonexistent/read-text"), deadline: Duration::from_secs(1) };
    // Known from the bytes alone: no child needed.
    assert!(matches!(read(&missing, &fixture("bad/photo.png")).await, Err(TextError::UnsupportedFile(_))));
    assert!(matches!(read(&missing, &vec![b'a'; 11 * 1024 * 1024]).await, Err(TextError::TooLarge(_))));
    // A file to parse, and no reader: not the person's file's fault.
    let outcome = missing.read(Bytes::from(fixture("pdf/01-en-classic.pdf"))).await;
    assert!(
        matches!(outcome, Err(ExtractError::Internal(ref m)) if m.to_string().contains("/nonexistent/read-text")),
        "{outcome:?}"
    );
}
