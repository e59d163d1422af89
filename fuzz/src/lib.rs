//! What several fuzz targets share.

/// The file readers refuse a file whose parser panics (`text::read_as`), as the product does;
/// libfuzzer-sys' hook would abort even on a caught panic, so the text targets replace it with
/// one that only reports. A panic that escapes still fails the run (libfuzzer-sys aborts on it).
pub fn quiet_caught_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| std::panic::set_hook(Box::new(|info| eprintln!("caught: {info}"))));
}
