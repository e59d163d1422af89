//! `r2w demo`: what a frontend does, over HTTP against the running server — register, ask for
//! an upload URL, PUT the file, poll the job — with a line of progress per change.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use url::Url;

pub const EXAMPLE_CV: &str = "functions/extract/fixtures/pdf/01-en-classic.pdf";
const POLL_EVERY: Duration = Duration::from_millis(100);
const GIVE_UP_AFTER: Duration = Duration::from_secs(120);

pub async fn run(base: &Url, file: &Path) -> Result<String, String> {
    let original = std::fs::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let content_type = match file.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("pdf") => "application/pdf",
        Some("docx") => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _ => "text/plain",
    };
    let http = r2w_http::http_client().build().map_err(|e| e.to_string())?;
    let api = |path: &str| base.join(path).map_err(|e| e.to_string());

    let mut password = [0u8; 16];
    getrandom::fill(&mut password).map_err(|e| e.to_string())?;
    let password: String = password.iter().map(|b| format!("{b:02x}")).collect();
    let email = format!("demo-{}@example.com", &password[..8]);
    let registered: Value = send(http.post(api("/v1/auth/register")?).json(&json!({
        "email": email, "password": password, "full_name": "Demo User"
    })))
    .await?;
    let token = registered["access_token"].as_str().unwrap_or_default().to_owned();
    eprintln!("registered {email}");

    let filename = file.file_name().and_then(|n| n.to_str()).unwrap_or("cv");
    let ticket: Value = send(http.post(api("/v1/uploads")?).bearer_auth(&token).json(&json!({
        "filename": filename, "content_type": content_type, "size": original.len()
    })))
    .await?;
    let started = Instant::now();
    let mut put = http.put(ticket["url"].as_str().unwrap_or_default()).body(original);
    for (name, value) in ticket["headers"].as_object().into_iter().flatten() {
        put = put.header(name, value.as_str().unwrap_or_default());
    }
    let uploaded = put.send().await.map_err(|e| e.to_string())?;
    if !uploaded.status().is_success() {
        return Err(format!("the upload was refused: {}", uploaded.status()));
    }
    eprintln!("uploaded {} ({filename})", file.display());

    let job_url = api(&format!("/v1/jobs/{}", ticket["job_id"].as_str().unwrap_or_default()))?;
    let mut last = String::new();
    while started.elapsed() < GIVE_UP_AFTER {
        let job: Value = send(http.get(job_url.clone()).bearer_auth(&token)).await?;
        let status = job["status"].as_str().unwrap_or_default().to_owned();
        if status != last {
            eprintln!("{:>6} ms  {status}", started.elapsed().as_millis());
            last = status.clone();
        }
        match status.as_str() {
            "ready" => return Ok(job["links"]["preview"].as_str().unwrap_or_default().to_owned()),
            "failed" => return Err(format!("the job failed: {}", job["error"]["reason"].as_str().unwrap_or_default())),
            _ => tokio::time::sleep(POLL_EVERY).await,
        }
    }
    Err("the job did not finish in two minutes".into())
}

async fn send(request: reqwest::RequestBuilder) -> Result<Value, String> {
    let response = request.send().await.map_err(|e| e.to_string())?;
    let status = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    if status.is_success() {
        Ok(body)
    } else {
        Err(format!("{status}: {}", body["detail"].as_str().unwrap_or_default()))
    }
}
