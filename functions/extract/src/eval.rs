//! Measuring an extractor on CVs it was not written for: a folder of CV files, each with the
//! truth of what it says, scored field by field (`r2w eval DIR`).
//!
//! A corpus folder holds CV files (`.pdf`, `.docx`, `.txt`, `.md`), one subfolder per renderer
//! (a theme, a LaTeX class, a Word layout). Each file's truth is `<name>.truth.json` beside it,
//! or `truth/<name>.json` in the folder above (the fixture corpus: one truth for the PDF, DOCX
//! and TXT renderings of a CV). A truth is CV data or a JSON Resume document; its language is
//! `metadata.sourceLanguage` (in JSON Resume, under `x-r2w`).
//!
//! Scoring: fields are compared after folding case, spacing and surrounding punctuation (phone
//! numbers by their digits, web addresses without their scheme or "www."); entries in order (the i-th job found against the i-th job of the
//! truth); lists of names (skills, languages, certificates...) as multisets. A file that fails
//! to extract counts as a CV with nothing found.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use r2w_core::model::{CvData, DateRange, json_resume};
use r2w_core::secrets::SecretString;

use crate::heuristic;
use crate::llm::{Claude, Source, Usage};
use crate::text::{self, TextError};

#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("{path}: {message}")]
    Corpus { path: String, message: String },
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub tp: u32,
    pub fp: u32,
    pub fn_: u32,
}

impl Counts {
    pub fn precision(self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    pub fn recall(self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    pub fn f1(self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) }
    }
    fn add(self, other: Counts) -> Counts {
        Counts { tp: self.tp + other.tp, fp: self.fp + other.fp, fn_: self.fn_ + other.fn_ }
    }
}

fn ratio(a: u32, b: u32) -> f64 {
    if b == 0 { 1.0 } else { f64::from(a) / f64::from(b) }
}

/// Counts per field, and the differences behind them.
#[derive(Debug, Default, Clone)]
pub struct Score {
    pub counts: BTreeMap<&'static str, Counts>,
    pub misses: Vec<Miss>,
}

/// One difference between the truth and what was found (a value missed, a value made up, or
/// both where one field holds the wrong value): what `r2w eval --misses` lists per file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Miss {
    pub field: &'static str,
    pub truth: Option<String>,
    pub found: Option<String>,
}

impl Score {
    fn one(&mut self, field: &'static str, truth: Option<String>, found: Option<String>) {
        let counts = self.counts.entry(field).or_default();
        match (&truth, &found) {
            (Some(t), Some(f)) if t == f => counts.tp += 1,
            (None, None) => {}
            (Some(_), Some(_)) => {
                counts.fp += 1;
                counts.fn_ += 1;
                self.misses.push(Miss { field, truth, found });
            }
            (Some(_), None) => {
                counts.fn_ += 1;
                self.misses.push(Miss { field, truth, found });
            }
            (None, Some(_)) => {
                counts.fp += 1;
                self.misses.push(Miss { field, truth, found });
            }
        }
    }

    fn set(&mut self, field: &'static str, truth: Vec<String>, found: Vec<String>) {
        let counts = self.counts.entry(field).or_default();
        let mut remaining = found;
        for t in truth {
            match remaining.iter().position(|f| *f == t) {
                Some(i) => {
                    remaining.remove(i);
                    counts.tp += 1;
                }
                None => {
                    counts.fn_ += 1;
                    self.misses.push(Miss { field, truth: Some(t), found: None });
                }
            }
        }
        counts.fp += remaining.len() as u32;
        self.misses.extend(remaining.into_iter().map(|f| Miss { field, truth: None, found: Some(f) }));
    }

    pub fn total(&self) -> Counts {
        self.counts.values().fold(Counts::default(), |a, c| a.add(*c))
    }

    /// Adds `other`'s counts (a group's score keeps no misses: they are read per file).
    fn absorb(&mut self, other: &Score) {
        for (field, counts) in &other.counts {
            let mine = self.counts.entry(field).or_default();
            *mine = mine.add(*counts);
        }
    }
}

/// Case, spacing and surrounding punctuation do not count as differences.
fn norm(value: &str) -> String {
    value.split_whitespace().collect::<Vec<_>>().join(" ").trim_matches(|c: char| ",;|·".contains(c)).to_lowercase()
}

fn digits(value: &str) -> String {
    value.chars().filter(char::is_ascii_digit).collect()
}

fn end_of(dates: &DateRange) -> Option<String> {
    if dates.is_current { Some("present".into()) } else { dates.end.map(|d| d.to_string()) }
}

/// Scores what was found in one CV against its truth.
pub fn score_cv(truth: &CvData, found: &CvData) -> Score {
    let mut score = Score::default();
    let n = |v: &Option<String>| v.as_deref().map(norm);
    score.one("name", n(&truth.hero.full_name), n(&found.hero.full_name));
    score.one("title", n(&truth.hero.professional_title), n(&found.hero.professional_title));
    score.one("email", n(&truth.contact.email), n(&found.contact.email));
    score.one("phone", truth.contact.phone.as_deref().map(digits), found.contact.phone.as_deref().map(digits));
    let urls = |cv: &CvData| {
        cv.contact
            .website
            .iter()
            .chain(cv.contact.links.iter().filter_map(|l| l.url.as_ref()))
            .map(|u| {
                // The same address with or without its scheme or "www.".
                let bare = norm(u);
                let bare = bare.trim_start_matches("https://").trim_start_matches("http://");
                bare.trim_start_matches("www.").trim_end_matches('/').to_owned()
            })
            .collect()
    };
    score.set("links", urls(truth), urls(found));

    for i in 0..truth.experience.len().max(found.experience.len()) {
        let (t, f) = (truth.experience.get(i), found.experience.get(i));
        score.one("experience.title", t.and_then(|e| n(&e.title)), f.and_then(|e| n(&e.title)));
        score.one("experience.company", t.and_then(|e| n(&e.company)), f.and_then(|e| n(&e.company)));
        let start = |e: Option<&r2w_core::model::Experience>| e.and_then(|e| e.dates.start.map(|d| d.to_string()));
        score.one("experience.start", start(t), start(f));
        score.one("experience.end", t.and_then(|e| end_of(&e.dates)), f.and_then(|e| end_of(&e.dates)));
    }
    for i in 0..truth.education.len().max(found.education.len()) {
        let (t, f) = (truth.education.get(i), found.education.get(i));
        score.one("education.institution", t.and_then(|e| n(&e.institution)), f.and_then(|e| n(&e.institution)));
        score.one("education.degree", t.and_then(|e| n(&e.degree)), f.and_then(|e| n(&e.degree)));
        score.one("education.end", t.and_then(|e| end_of(&e.dates)), f.and_then(|e| end_of(&e.dates)));
    }
    let names = |items: Vec<&Option<String>>| -> Vec<String> {
        items.into_iter().filter_map(|v| v.as_deref()).map(norm).collect()
    };
    let skills = |cv: &CvData| {
        cv.skills
            .categories
            .iter()
            .flat_map(|c| c.keywords.iter())
            .chain(cv.skills.ungrouped.iter())
            .map(|s| norm(s))
            .collect()
    };
    score.set("skills", skills(truth), skills(found));
    score.set(
        "languages",
        names(truth.languages.iter().map(|l| &l.language).collect()),
        names(found.languages.iter().map(|l| &l.language).collect()),
    );
    let proficiency = |cv: &CvData| {
        cv.languages
            .iter()
            .map(|l| {
                format!(
                    "{}={}",
                    norm(l.language.as_deref().unwrap_or("")),
                    norm(l.proficiency.as_deref().unwrap_or(""))
                )
            })
            .collect()
    };
    score.set("languages.proficiency", proficiency(truth), proficiency(found));
    score.set(
        "projects",
        names(truth.projects.iter().map(|p| &p.name).collect()),
        names(found.projects.iter().map(|p| &p.name).collect()),
    );
    score.set(
        "certificates",
        names(truth.certifications.iter().map(|c| &c.name).collect()),
        names(found.certifications.iter().map(|c| &c.name).collect()),
    );
    score.set(
        "awards",
        names(truth.achievements.iter().map(|a| &a.title).collect()),
        names(found.achievements.iter().map(|a| &a.title).collect()),
    );
    score.set(
        "publications",
        names(truth.publications.iter().map(|p| &p.title).collect()),
        names(found.publications.iter().map(|p| &p.title).collect()),
    );
    score.set(
        "volunteer",
        names(truth.volunteer.iter().map(|v| &v.organization).collect()),
        names(found.volunteer.iter().map(|v| &v.organization).collect()),
    );
    score
}

/// One file to read, with what it says.
#[derive(Debug, Clone)]
pub struct Case {
    pub file: PathBuf,
    pub truth: CvData,
    /// The file's extension: pdf, docx, txt, md.
    pub format: String,
    /// The primary language subtag of the truth ("en", "he"), "?" when it does not say.
    pub language: String,
    /// The subfolder of the corpus the file is in ("-" at its top).
    pub renderer: String,
}

const FORMATS: [&str; 4] = ["pdf", "docx", "txt", "md"];

/// Every CV file under `dir` with its truth, in path order. A file without a truth is skipped
/// (and listed in the second value), so a half-made corpus still reports what it can.
pub fn discover(dir: &Path) -> Result<(Vec<Case>, Vec<PathBuf>), EvalError> {
    let corpus_error = |path: &Path, message: String| EvalError::Corpus { path: path.display().to_string(), message };
    let mut files = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let entries = std::fs::read_dir(&folder).map_err(|e| corpus_error(&folder, e.to_string()))?;
        for entry in entries {
            let path = entry.map_err(|e| corpus_error(&folder, e.to_string()))?.path();
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            if path.is_dir() {
                // A corpus may keep its generator beside it (and the generator its packages).
                if !name.starts_with('.') && name != "node_modules" {
                    folders.push(path);
                }
            } else if extension(&path).is_some_and(|e| FORMATS.contains(&e.as_str())) {
                files.push(path);
            }
        }
    }
    files.sort();
    let (mut cases, mut without_truth) = (Vec::new(), Vec::new());
    for file in files {
        let Some(truth_path) = truth_of(&file) else {
            without_truth.push(file);
            continue;
        };
        let bytes = std::fs::read(&truth_path).map_err(|e| corpus_error(&truth_path, e.to_string()))?;
        let truth = read_truth(&bytes).map_err(|message| corpus_error(&truth_path, message))?;
        let language = truth
            .metadata
            .source_language
            .as_ref()
            .map(|tag| tag.as_str().split('-').next().unwrap_or("?").to_lowercase())
            .unwrap_or_else(|| "?".into());
        let renderer = file
            .strip_prefix(dir)
            .ok()
            .and_then(|relative| relative.parent())
            .and_then(|parent| parent.components().next())
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .unwrap_or_else(|| "-".into());
        let format = extension(&file).unwrap_or_default();
        cases.push(Case { file, truth, format, language, renderer });
    }
    Ok((cases, without_truth))
}

fn extension(path: &Path) -> Option<String> {
    path.extension().map(|e| e.to_string_lossy().to_lowercase())
}

fn truth_of(file: &Path) -> Option<PathBuf> {
    let stem = file.file_stem()?.to_string_lossy().into_owned();
    let beside = file.with_file_name(format!("{stem}.truth.json"));
    let shared = file.parent()?.parent().map(|up| up.join("truth").join(format!("{stem}.json")));
    [Some(beside), shared].into_iter().flatten().find(|p| p.is_file())
}

/// CV data, or a JSON Resume document.
fn read_truth(bytes: &[u8]) -> Result<CvData, String> {
    let doc: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    if doc.get("schemaVersion").is_some() {
        CvData::from_json(bytes).map_err(|e| e.to_string())
    } else {
        json_resume::import(&doc).map_err(|e| e.to_string())
    }
}

/// Which extractor is measured.
pub enum Reader<'a> {
    /// The offline extractor: the file's text, then the heuristic.
    Heuristic,
    /// Claude, called directly (no cache, no breaker, no fallback): what it reads is what is scored.
    Claude { claude: &'a Claude, api_key: SecretString },
}

/// What reading one case gave.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub found: Result<CvData, String>,
    /// Reading the file's text.
    pub text_time: Duration,
    /// Structuring it (the heuristic) or the whole call (Claude).
    pub structure_time: Duration,
    pub usage: Option<Usage>,
}

pub async fn read(case: &Case, reader: &Reader<'_>) -> Outcome {
    let bytes = match std::fs::read(&case.file) {
        Ok(bytes) => bytes,
        Err(e) => return failed(e.to_string()),
    };
    let started = Instant::now();
    let text = text::extract(&bytes);
    let text_time = started.elapsed();
    match reader {
        Reader::Heuristic => match text {
            Ok(text) => {
                let started = Instant::now();
                let found = heuristic::extract(&text.text);
                Outcome { found: Ok(found), text_time, structure_time: started.elapsed(), usage: None }
            }
            Err(e) => Outcome { text_time, ..failed(e.to_string()) },
        },
        Reader::Claude { claude, api_key } => {
            let text = match &text {
                Ok(text) => text.text.as_str(),
                Err(TextError::NeedsOcr) => "",
                Err(e) => return Outcome { text_time, ..failed(e.to_string()) },
            };
            let source = if text.is_empty() { Source::Pdf { bytes: &bytes, text } } else { Source::Text(text) };
            let started = Instant::now();
            match claude.extract_with_usage(api_key, source).await {
                Ok((cv, usage)) => {
                    Outcome { found: Ok(cv), text_time, structure_time: started.elapsed(), usage: Some(usage) }
                }
                Err(e) => Outcome { text_time, structure_time: started.elapsed(), ..failed(e.to_string()) },
            }
        }
    }
}

fn failed(message: String) -> Outcome {
    Outcome { found: Err(message), text_time: Duration::ZERO, structure_time: Duration::ZERO, usage: None }
}

/// US dollars per million tokens: input, output, 5-minute cache write, cache read (Anthropic's
/// price list, December 2026).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Price {
    pub input: f64,
    pub output: f64,
    pub cache_write: f64,
    pub cache_read: f64,
}

pub fn price_of(model: &str) -> Option<Price> {
    let price =
        |input: f64, output: f64, cache_write: f64, cache_read: f64| Price { input, output, cache_write, cache_read };
    let model = model.to_ascii_lowercase();
    let known = [
        ("opus-5-5", price(4.0, 20.0, 5.0, 0.2)),
        ("opus-5", price(5.0, 25.0, 6.25, 0.5)),
        ("opus-4-8", price(5.0, 25.0, 6.25, 0.5)),
        ("opus-4-7", price(5.0, 25.0, 6.25, 0.5)),
        ("opus-4-6", price(5.0, 25.0, 6.25, 0.5)),
        ("opus-4-5", price(5.0, 25.0, 6.25, 0.5)),
        ("sonnet-5", price(2.0, 10.0, 2.5, 0.2)),
    ];
    known.into_iter().find(|(name, _)| model.contains(name)).map(|(_, p)| p)
}

impl Price {
    pub fn cost(&self, usage: &Usage) -> f64 {
        let per_token = |tokens: u64, dollars_per_million: f64| tokens as f64 * dollars_per_million / 1e6;
        per_token(usage.input_tokens, self.input)
            + per_token(usage.output_tokens, self.output)
            + per_token(usage.cache_creation_input_tokens, self.cache_write)
            + per_token(usage.cache_read_input_tokens, self.cache_read)
    }
}

/// The scores of a run, by field and by group.
#[derive(Debug, Default)]
pub struct Report {
    pub overall: Score,
    pub by_format: BTreeMap<String, Score>,
    pub by_language: BTreeMap<String, Score>,
    pub by_renderer: BTreeMap<String, Score>,
    pub tuned: Score,
    pub held_out: Score,
    pub failures: Vec<(PathBuf, String)>,
    /// Per file of a tuned renderer, in the cases' order: what differed from its truth. The
    /// held-out renderers' are not kept: reading them would be tuning on them.
    pub misses: Vec<(PathBuf, Vec<Miss>)>,
    pub text_times: Vec<Duration>,
    pub structure_times: Vec<Duration>,
    pub usages: Vec<Usage>,
    pub cases: usize,
}

impl Report {
    /// Scores `outcomes` (one per case, in order); `held_out` names renderers kept out of tuning.
    pub fn new(cases: &[Case], outcomes: &[Outcome], held_out: &[String]) -> Self {
        let mut report = Report { cases: cases.len(), ..Report::default() };
        for (case, outcome) in cases.iter().zip(outcomes) {
            let found = match &outcome.found {
                Ok(cv) => cv.clone(),
                Err(e) => {
                    report.failures.push((case.file.clone(), e.clone()));
                    CvData::default()
                }
            };
            let score = score_cv(&case.truth, &found);
            report.overall.absorb(&score);
            report.by_format.entry(case.format.clone()).or_default().absorb(&score);
            report.by_language.entry(case.language.clone()).or_default().absorb(&score);
            report.by_renderer.entry(case.renderer.clone()).or_default().absorb(&score);
            let tuned = !held_out.contains(&case.renderer);
            if tuned { &mut report.tuned } else { &mut report.held_out }.absorb(&score);
            if tuned {
                report.misses.push((case.file.clone(), score.misses));
            }
            report.text_times.push(outcome.text_time);
            report.structure_times.push(outcome.structure_time);
            report.usages.extend(outcome.usage);
        }
        report
    }

    /// The report as Markdown tables; `model` prices Claude's tokens when it is known.
    pub fn markdown(&self, model: Option<&str>) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{} files\n\n| field | precision | recall | F1 |\n| --- | --- | --- | --- |", self.cases);
        for (field, c) in &self.overall.counts {
            let _ = writeln!(out, "| {field} | {:.3} | {:.3} | {:.3} |", c.precision(), c.recall(), c.f1());
        }
        let total = self.overall.total();
        let _ = writeln!(
            out,
            "| **all fields** | {:.3} | {:.3} | **{:.3}** |",
            total.precision(),
            total.recall(),
            total.f1()
        );
        for (title, groups) in
            [("format", &self.by_format), ("language", &self.by_language), ("renderer", &self.by_renderer)]
        {
            let _ = writeln!(out, "\n| {title} | F1 |\n| --- | --- |");
            for (name, score) in groups {
                let _ = writeln!(out, "| {name} | {:.3} |", score.total().f1());
            }
        }
        if !self.held_out.counts.is_empty() {
            let _ = writeln!(
                out,
                "\nTuned renderers F1 {:.3}; held-out renderers F1 {:.3}.",
                self.tuned.total().f1(),
                self.held_out.total().f1()
            );
        }
        let _ = writeln!(
            out,
            "\nTime per CV: text p50 {:.1} ms, p90 {:.1} ms; structuring p50 {:.1} ms, p90 {:.1} ms.",
            millis(percentile(&self.text_times, 0.5)),
            millis(percentile(&self.text_times, 0.9)),
            millis(percentile(&self.structure_times, 0.5)),
            millis(percentile(&self.structure_times, 0.9)),
        );
        if !self.usages.is_empty() {
            let n = self.usages.len() as f64;
            let mean = |f: fn(&Usage) -> u64| self.usages.iter().map(f).sum::<u64>() as f64 / n;
            let _ = writeln!(
                out,
                "Tokens per CV (mean): input {:.0}, cache write {:.0}, cache read {:.0}, output {:.0}.",
                mean(|u| u.input_tokens),
                mean(|u| u.cache_creation_input_tokens),
                mean(|u| u.cache_read_input_tokens),
                mean(|u| u.output_tokens),
            );
            match model.and_then(price_of) {
                Some(price) => {
                    let cost = self.usages.iter().map(|u| price.cost(u)).sum::<f64>() / n;
                    let _ = writeln!(out, "Cost per CV (mean): ${cost:.4} at {}'s prices.", model.unwrap_or_default());
                }
                None => {
                    let _ = writeln!(out, "Cost per CV: no price known for {}.", model.unwrap_or("this model"));
                }
            }
        }
        for (file, error) in &self.failures {
            let _ = writeln!(out, "failed: {}: {error}", file.display());
        }
        out
    }
}

impl Report {
    /// Per file, every difference from its truth, one per line: what a tuning session reads
    /// to see why a renderer scores low (`r2w eval --misses`).
    pub fn misses_text(&self) -> String {
        let mut out = String::new();
        let shown = |v: &Option<String>| v.as_deref().map_or_else(|| "-".to_owned(), |v| format!("{v:?}"));
        for (file, misses) in self.misses.iter().filter(|(_, m)| !m.is_empty()) {
            let _ = writeln!(out, "{}", file.display());
            for miss in misses {
                let _ = writeln!(out, "  {}: truth {} found {}", miss.field, shown(&miss.truth), shown(&miss.found));
            }
        }
        out
    }
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn percentile(times: &[Duration], q: f64) -> Duration {
    if times.is_empty() {
        return Duration::ZERO;
    }
    let mut sorted = times.to_vec();
    sorted.sort();
    let index = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_give_precision_recall_and_f1() {
        let mut score = Score::default();
        score.set(
            "skills",
            vec!["go".into(), "sql".into(), "rust".into()],
            vec!["go".into(), "sql".into(), "java".into()],
        );
        score.one("name", Some("dana".into()), Some("dana".into()));
        score.one("title", Some("engineer".into()), None);
        let total = score.total();
        assert_eq!(total, Counts { tp: 3, fp: 1, fn_: 2 });
        assert!((total.precision() - 0.75).abs() < 1e-9 && (total.recall() - 0.6).abs() < 1e-9);
        assert!((total.f1() - 2.0 * 0.75 * 0.6 / 1.35).abs() < 1e-9);
        let miss = |field, truth: Option<&str>, found: Option<&str>| Miss {
            field,
            truth: truth.map(str::to_owned),
            found: found.map(str::to_owned),
        };
        assert_eq!(
            score.misses,
            [
                miss("skills", Some("rust"), None),
                miss("skills", None, Some("java")),
                miss("title", Some("engineer"), None)
            ]
        );
    }

    #[test]
    fn prices_follow_the_model_and_count_every_kind_of_token() {
        let usage = Usage {
            input_tokens: 1_000_000,
            output_tokens: 100_000,
            cache_creation_input_tokens: 0,
            cache_read_input_tokens: 1_000_000,
        };
        let price = price_of("claude-opus-5").expect("known");
        assert!((price.cost(&usage) - (5.0 + 2.5 + 0.5)).abs() < 1e-9);
        assert_eq!(price_of("claude-opus-5-5").map(|p| p.input), Some(4.0));
        assert_eq!(price_of("some-other-model"), None);
    }
}
