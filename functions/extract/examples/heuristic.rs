//! Prints what the offline extractor finds in a CV file: `cargo run -p r2w-extract --example heuristic -- FILE`.
fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: heuristic FILE");
        std::process::exit(2);
    };
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    match r2w_extract::text::extract(&bytes) {
        Ok(text) => {
            if std::env::var("SHOW_TEXT").is_ok() {
                println!("{}\n-----", text.text);
            }
            let cv = r2w_extract::heuristic::extract(&text.text);
            println!("{}", serde_json::to_string_pretty(&cv).unwrap_or_default());
        }
        Err(e) => {
            eprintln!("{path}: {} ({})", e, e.name());
            std::process::exit(1);
        }
    }
}
