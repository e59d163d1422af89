//! What building an outgoing HTTPS client costs with each source of trusted roots: the system's
//! store (rustls-platform-verifier reads and parses it) against Mozilla's list compiled in
//! (`r2w_http::http_client`). A function builds its clients while it starts, so this is cold
//! start. `cargo run --release -p r2w-http --example client_roots` (docs/benchmarks.md).

use std::time::Instant;
fn main() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    for round in 0..3 {
        let t = Instant::now();
        let _platform = reqwest::Client::builder().build().expect("platform");
        let platform = t.elapsed();
        let t = Instant::now();
        let roots =
            webpki_root_certs::TLS_SERVER_ROOT_CERTS.iter().filter_map(|c| reqwest::Certificate::from_der(c).ok());
        let _compiled = reqwest::Client::builder().tls_certs_only(roots).build().expect("compiled");
        let compiled = t.elapsed();
        println!("round {round}: system store {platform:?}, compiled-in roots {compiled:?}");
    }
}
