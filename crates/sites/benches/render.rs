//! Rendering speed, printed as tables for docs/benchmarks.md:
//!
//! - Whole process, side by side: the same JSON Resume document made into a site by this crate
//!   (this binary re-runs itself in build mode: read, detect, render, write, as `r2w build`
//!   does) and into a page by `resumed render` with `jsonresume-theme-even` (npm, the JSON
//!   Resume ecosystem's renderer). Median of several runs; the ratio is theirs / ours.
//! - In process: rendering the long fixture CV (about two printed pages), p50 and p95.
//!
//! `cargo bench -p r2w-sites --bench render` (needs `npm ci` for the reference).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use r2w_core::model::{CvData, json_resume};
use r2w_sites::{SiteOptions, Theme, render};

const PROCESS_RUNS: usize = 15;
const RENDER_RUNS: usize = 2_000;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--build") {
        let (Some(input), Some(out)) = (args.get(i + 1), args.get(i + 2)) else { std::process::exit(2) };
        std::process::exit(if build(Path::new(input), Path::new(out)) { 0 } else { 1 });
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let cv_path = root.join("crates/core/tests/fixtures/cv/full-every-field.json");
    let cv = CvData::from_json(&std::fs::read(&cv_path).unwrap_or_default()).unwrap_or_default();
    let work = std::env::temp_dir().join(format!("r2w-render-bench-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&work);
    let resume = work.join("resume.json");
    let _ = std::fs::write(&resume, serde_json::to_vec_pretty(&json_resume::export(&cv)).unwrap_or_default());

    whole_process(&root, &resume, &work);
    in_process(&cv);
    let _ = std::fs::remove_dir_all(&work);
}

/// The child mode: what `r2w build INPUT --out DIR` does.
fn build(input: &Path, out: &Path) -> bool {
    let Ok(text) = std::fs::read(input) else { return false };
    let Ok(doc) = serde_json::from_slice::<serde_json::Value>(&text) else { return false };
    let cv =
        if doc.get("schemaVersion").is_some() { CvData::from_json(&text).ok() } else { json_resume::import(&doc).ok() };
    let Some(Ok(site)) = cv.map(|cv| render(&cv, &SiteOptions::preview(Theme::Modern))) else { return false };
    site.files.iter().all(|file| {
        let path = out.join(&file.path);
        path.parent().is_none_or(|p| std::fs::create_dir_all(p).is_ok()) && std::fs::write(path, &file.body).is_ok()
    })
}

fn whole_process(root: &Path, resume: &Path, work: &Path) {
    let me = std::env::current_exe().unwrap_or_else(|_| PathBuf::from("render"));
    let ours = median(|| {
        let mut command = Command::new(&me);
        command.arg("--build").arg(resume).arg(work.join("site"));
        command
    });
    let resumed = root.join("node_modules/resumed/bin/resumed.js");
    println!("Whole process, the same JSON Resume document, median of {PROCESS_RUNS} runs");
    println!("| renderer | output | time (ms) | vs r2w |");
    println!("| --- | --- | ---: | ---: |");
    println!("| r2w build (modern theme) | 6 files: HTML, 404, CSS, JSON, vCard, robots | {} | 1x |", ms(ours));
    if resumed.is_file() {
        let theirs = median(|| {
            let mut command = Command::new("node");
            command
                .arg(&resumed)
                .arg("render")
                .arg(resume)
                .args(["--theme", "jsonresume-theme-even", "--output"])
                .arg(work.join("even.html"))
                .current_dir(root);
            command
        });
        let ratio = theirs.as_secs_f64() / ours.as_secs_f64().max(f64::MIN_POSITIVE);
        println!("| resumed render + jsonresume-theme-even | 1 HTML file | {} | {ratio:.1}x slower |", ms(theirs));
    } else {
        println!("| resumed render | (run `npm ci` first) | | |");
    }
    println!();
}

fn in_process(cv: &CvData) {
    let options = SiteOptions::preview(Theme::Modern);
    let mut times: Vec<Duration> = (0..RENDER_RUNS)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(render(std::hint::black_box(cv), &options).ok());
            start.elapsed()
        })
        .collect();
    times.sort();
    let at = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
    println!("In process: the long fixture CV (about two printed pages), {RENDER_RUNS} renders");
    println!("| p50 (ms) | p95 (ms) |");
    println!("| ---: | ---: |");
    println!("| {} | {} |", ms(at(0.5)), ms(at(0.95)));
}

fn median(command: impl Fn() -> Command) -> Duration {
    let mut times: Vec<Duration> = (0..PROCESS_RUNS)
        .map(|_| {
            let start = Instant::now();
            let ok = command().stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success());
            if ok { start.elapsed() } else { Duration::MAX }
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

fn ms(d: Duration) -> String {
    if d == Duration::MAX { "failed".into() } else { format!("{:.2}", d.as_secs_f64() * 1000.0) }
}
