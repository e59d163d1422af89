//! Extraction speed, printed as a table for docs/benchmarks.md:
//!
//! - PDF text over the fixture PDFs, side by side with poppler's `pdftotext -layout`. Both run
//!   as one process per file (this binary re-runs itself to extract one file), so start-up and
//!   file reading count the same on both sides; the ratio is ours / poppler's.
//! - The heuristic structuring of each fixture's text, in process: p50 and p95 per CV.
//!
//! `cargo bench -p r2w-extract --bench extraction` (needs `pdftotext`, Debian poppler-utils).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

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

fn median_process(command: impl Fn() -> Command) -> Duration {
    let mut times: Vec<Duration> = (0..PROCESS_RUNS)
        .map(|_| {
            let start = Instant::now();
            let status = command().stdout(Stdio::null()).stderr(Stdio::null()).status();
            let elapsed = start.elapsed();
            match status {
                Ok(s) if s.success() => elapsed,
                _ => Duration::MAX,
            }
        })
        .collect();
    times.sort();
    times[times.len() / 2]
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
