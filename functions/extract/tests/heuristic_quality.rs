//! How well the offline extractor recovers the fixture CVs: field-level precision, recall and
//! F1 against the JSON truth, over every CV in every format (PDF, DOCX, TXT), scored by the same
//! code as `r2w eval` (`r2w_extract::eval`). Fails below 0.80 overall; prints the tables that
//! docs/extraction-quality.md records.

use std::path::Path;

use r2w_extract::eval::{Reader, Report, discover, read};

#[tokio::test]
async fn heuristic_extraction_scores_at_least_0_80_f1_on_the_fixture_corpus() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let (cases, without_truth) = discover(&fixtures).expect("corpus");
    assert_eq!(cases.len(), 36, "12 CVs, each as PDF, DOCX and TXT");
    assert!(without_truth.iter().all(|f| f.starts_with(fixtures.join("bad"))), "{without_truth:?}");
    let mut outcomes = Vec::new();
    for case in &cases {
        outcomes.push(read(case, &Reader::Heuristic).await);
    }
    let report = Report::new(&cases, &outcomes, &[]);
    println!("{}", report.markdown(None));
    assert!(report.failures.is_empty(), "{:?}", report.failures);
    let total = report.overall.total();
    assert!(total.f1() >= 0.80, "overall F1 {:.3} is below 0.80", total.f1());
    for format in ["pdf", "docx", "txt"] {
        assert!(report.by_format[format].total().tp > 0, "{format} was scored");
    }
}
