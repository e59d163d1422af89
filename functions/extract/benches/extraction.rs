//! Extraction speed, printed as a table for docs/benchmarks.md:
//!
//! - PDF text over the fixture PDFs, side by side with poppler's `pdftotext -layout`. Both run
//!   as one process per file (this binary re-runs itself to extract one file), so start-up and
//!   file reading count the same on both sides; the ratio is ours / poppler's.
//! - The heuristic structuring of each fixture's text, in process: p50 and p95 per CV.
//! - Reading each PDF as the extract Lambda does, in a `read-text` child, side by side with
//!   reading it in this process: what the child costs a file.
//!
//! `cargo bench -p r2w-extract --bench extraction` (needs `pdftotext`, Debian poppler-utils).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use bytes::Bytes;
use r2w_extract::text::reader::TextReader;
use r2w_extract::{heuristic, text};

const PROCESS_RUNS: usize = 15;
const HEURISTIC_RUNS: usize = 200;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--extract-one") {
        extract_one(args.get(i + 1).map(PathBuf::from));
        return;
    }
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let pdfs = sorted_files(&fixtures.join("pdf"));
    pdf_text(&pdfs);
    heuristic_structuring(&pdfs);
    child_against_in_process(&pdfs);
}

/// The child mode: one file's text to stdout, as `pdftotext FILE -` would print it.
fn extract_one(path: Option<PathBuf>) {
    let Some(path) = path else { std::process::exit(2) };
    match std::fs::read(&path).map(|bytes| text::extract(&bytes)) {
        Ok(Ok(extracted)) => print!("{}", extracted.text),
        _ => std::process::exit(1),
    }
}

fn pdf_text(pdfs: &[PathBuf]) {
    let me = std::env::current_exe().unwrap_or_else(|_| PathBuf::from("extraction"));
    let poppler = Command::new("pdftotext").arg("-v").stderr(Stdio::null()).status().is_ok();
    println!("PDF text, one process per file, median of {PROCESS_RUNS} runs");
    println!("| file | pages | r2w (ms) | pdftotext -layout (ms) | ratio |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    let (mut ours_total, mut theirs_total) = (Duration::ZERO, Duration::ZERO);
    for pdf in pdfs {
        let pages = std::fs::read(pdf).ok().and_then(|b| text::extract(&b).ok()).map_or(0, |t| t.pages);
        let ours = median_process(|| {
            let mut command = Command::new(&me);
            command.arg("--extract-one").arg(pdf);
            command
        });
        let name = pdf.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if poppler {
            let theirs = median_process(|| {
                let mut command = Command::new("pdftotext");
                command.arg("-layout").arg(pdf).arg("-");
                command
            });
            ours_total += ours;
            theirs_total += theirs;
            println!("| {name} | {pages} | {} | {} | {:.2}x |", ms(ours), ms(theirs), ratio(ours, theirs));
        } else {
            println!("| {name} | {pages} | {} | (pdftotext not installed) | |", ms(ours));
        }
    }
    if poppler {
        println!("| all | | {} | {} | {:.2}x |", ms(ours_total), ms(theirs_total), ratio(ours_total, theirs_total));
    }
    println!();
}

fn heuristic_structuring(pdfs: &[PathBuf]) {
    let texts: Vec<(String, String)> = pdfs
        .iter()
        .filter_map(|pdf| {
            let extracted = text::extract(&std::fs::read(pdf).ok()?).ok()?;
            Some((pdf.file_name()?.to_string_lossy().into_owned(), extracted.text))
        })
        .collect();
    let mut all = Vec::new();
    for (_, text) in &texts {
        for _ in 0..HEURISTIC_RUNS {
            let start = Instant::now();
            std::hint::black_box(heuristic::extract(std::hint::black_box(text)));
            all.push(start.elapsed());
        }
    }
    all.sort();
    let at = |q: f64| all.get(((all.len() as f64 - 1.0) * q) as usize).copied().unwrap_or_default();
    println!("Heuristic structuring, in process, {} CVs x {HEURISTIC_RUNS} runs", texts.len());
    println!("| p50 (ms) | p95 (ms) | max (ms) |");
    println!("| ---: | ---: | ---: |");
    println!("| {} | {} | {} |", ms(at(0.5)), ms(at(0.95)), ms(at(1.0)));
}

fn child_against_in_process(pdfs: &[PathBuf]) {
    let child = TextReader::Child {
        program: PathBuf::from(env!("CARGO_BIN_EXE_read-text")),
        deadline: Duration::from_secs(60),
    };
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
        println!("(no async runtime: the child comparison is skipped)");
        return;
    };
    println!(
        "PDF text as the extract Lambda reads it (a read-text child) and in process, median of {PROCESS_RUNS} runs"
    );
    println!("| file | in a child (ms) | in process (ms) | ratio | the child's cost (ms) |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    let (mut child_total, mut in_process_total) = (Duration::ZERO, Duration::ZERO);
    for pdf in pdfs {
        let Ok(bytes) = std::fs::read(pdf) else { continue };
        let bytes = Bytes::from(bytes);
        let expected = text::extract(&bytes);
        let in_child = median(|| {
            let read = runtime.block_on(child.read(bytes.clone()));
            matches!(read, Ok(ref answer) if *answer == expected)
        });
        let in_process = median(|| text::extract(std::hint::black_box(&bytes)) == expected);
        child_total += in_child;
        in_process_total += in_process;
        let name = pdf.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let cost = in_child.saturating_sub(in_process);
        println!(
            "| {name} | {} | {} | {:.2}x | {} |",
            ms(in_child),
            ms(in_process),
            ratio(in_child, in_process),
            ms(cost)
        );
    }
    let cost = child_total.saturating_sub(in_process_total);
    println!(
        "| all | {} | {} | {:.2}x | {} |",
        ms(child_total),
        ms(in_process_total),
        ratio(child_total, in_process_total),
        ms(cost)
    );
    println!();
}

/// The median time of `run` over [`PROCESS_RUNS`]; a run that answers wrongly counts as failed.
fn median(mut run: impl FnMut() -> bool) -> Duration {
    let mut times: Vec<Duration> = (0..PROCESS_RUNS)
        .map(|_| {
            let start = Instant::now();
            let right = run();
            if right { start.elapsed() } else { Duration::MAX }
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

fn median_process(command: impl Fn() -> Command) -> Duration {
    median(|| command().stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success()))
}

fn sorted_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(dir).map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect()).unwrap_or_default();
    files.sort();
    files
}

fn ms(d: Duration) -> String {
    if d == Duration::MAX { "failed".into() } else { format!("{:.2}", d.as_secs_f64() * 1000.0) }
}

fn ratio(ours: Duration, theirs: Duration) -> f64 {
    ours.as_secs_f64() / theirs.as_secs_f64().max(f64::MIN_POSITIVE)
}
