//! Tasks called through the Lambda Invoke API (`POST /2015-03-31/functions/{name}/invocations`)
//! of a local Lambda emulator: under `cargo lambda watch`, the state machine run by
//! [`crate::runner::Runner`] invokes the real `extract` and `build-portfolio` functions, as
//! Step Functions does in the cloud. Requests are unsigned: this is for the emulator only.
//!
//! A function's error reaches us as its `{errorType, errorMessage}` (status 200 with
//! `X-Amz-Function-Error`, as Lambda answers, or status 500, as cargo-lambda does); the
//! errorType is the name the retry rules match. An emulator that cannot be reached or answers
//! anything else is `Lambda.ServiceException`, which the state machine retries.

use std::time::Duration;

use async_trait::async_trait;
use serde::Serialize;
use serde::de::DeserializeOwned;
use url::Url;

use r2w_core::Error;
use r2w_core::model::{CvId, JobId, UserId};
use r2w_core::pipeline::PipelineInput;

use crate::runner::Tasks;

/// Lambda's longest run; the emulator may also be compiling the function first.
const INVOKE_TIMEOUT: Duration = Duration::from_secs(900);
const SERVICE_ERROR: &str = "Lambda.ServiceException";

/// A client of the emulator's Invoke API; as [`Tasks`], the state machine's two task functions.
pub struct LambdaEmulator {
    client: reqwest::Client,
    endpoint: Url,
}

impl LambdaEmulator {
    /// `endpoint` is the emulator's address, e.g. `http://127.0.0.1:9000`.
    pub fn new(endpoint: Url) -> Result<Self, Error> {
        let client =
            r2w_http::http_client().timeout(INVOKE_TIMEOUT).build().map_err(|e| Error::internal("HTTP client", e))?;
        Ok(Self { client, endpoint })
    }

    /// Invokes `function` with `payload` and waits for its output; an error is its name.
    pub async fn invoke<I: Serialize + Sync, O: DeserializeOwned>(
        &self,
        function: &str,
        payload: &I,
    ) -> Result<O, String> {
        let url = self
            .endpoint
            .join(&format!("2015-03-31/functions/{function}/invocations"))
            .map_err(|e| format!("States.Runtime: {e}"))?;
        let response = self.client.post(url).json(payload).send().await.map_err(|e| {
            tracing::warn!(function, error = %e, "the Lambda emulator could not be reached");
            SERVICE_ERROR.to_owned()
        })?;
        let status = response.status();
        let function_error = response.headers().contains_key("x-amz-function-error");
        let body = response.bytes().await.map_err(|_| SERVICE_ERROR.to_owned())?;
        if status.is_success() && !function_error {
            // What Step Functions' ResultSelector reports when the output lacks a field.
            return serde_json::from_slice(&body).map_err(|_| "States.Runtime".to_owned());
        }
        #[derive(serde::Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct FunctionError {
            error_type: String,
        }
        match serde_json::from_slice::<FunctionError>(&body) {
            Ok(error) if function_error || status.as_u16() == 500 => Err(error.error_type),
            _ if status.as_u16() == 429 => Err("Lambda.TooManyRequestsException".to_owned()),
            _ => {
                tracing::warn!(function, %status, "the Lambda emulator answered with an error");
                Err(SERVICE_ERROR.to_owned())
            }
        }
    }
}

#[async_trait]
impl Tasks for LambdaEmulator {
    async fn extract(&self, input: &PipelineInput) -> Result<CvId, String> {
        #[derive(serde::Deserialize)]
        struct Extracted {
            cv_id: CvId,
        }
        // The Extract state passes the whole run input, as the ASL's `Payload.$: "$"` does.
        let extracted: Extracted = self.invoke("extract", input).await?;
        Ok(extracted.cv_id)
    }

    async fn build_portfolio(&self, job: &JobId, user: &UserId, cv: &CvId) -> Result<(), String> {
        #[derive(Serialize)]
        struct Payload<'a> {
            job_id: &'a JobId,
            user_id: &'a UserId,
            cv_id: &'a CvId,
        }
        #[derive(serde::Deserialize)]
        struct Built {
            #[serde(rename = "portfolio_id")]
            _portfolio_id: String,
        }
        let _: Built = self.invoke("build-portfolio", &Payload { job_id: job, user_id: user, cv_id: cv }).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use wiremock::matchers::{body_json, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    use super::*;

    fn input() -> PipelineInput {
        PipelineInput {
            job_id: JobId::parse("job1").expect("id"),
            user_id: UserId::parse("user1").expect("id"),
            upload_key: Some("uploads/user1/up1/original".into()),
            cv_id: None,
        }
    }

    async fn tasks(server: &MockServer) -> LambdaEmulator {
        LambdaEmulator::new(Url::parse(&server.uri()).expect("url")).expect("client")
    }

    #[tokio::test]
    async fn a_task_gets_the_run_input_and_answers_with_its_output() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/2015-03-31/functions/extract/invocations"))
            .and(body_json(
                serde_json::json!({"job_id": "job1", "user_id": "user1", "upload_key": "uploads/user1/up1/original"}),
            ))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(serde_json::json!({"cv_id": "cv1", "method": "heuristic", "warnings": []})),
            )
            .expect(1)
            .mount(&server)
            .await;
        let cv = tasks(&server).await.extract(&input()).await.expect("extracted");
        assert_eq!(cv.as_str(), "cv1");
    }

    #[tokio::test]
    async fn function_errors_keep_their_names_as_lambda_and_cargo_lambda_report_them() {
        let server = MockServer::start().await;
        let error = serde_json::json!({"errorType": "Extract.NeedsOcr", "errorMessage": "a scanned PDF"});
        Mock::given(path("/2015-03-31/functions/extract/invocations"))
            .respond_with(
                ResponseTemplate::new(200).insert_header("X-Amz-Function-Error", "Unhandled").set_body_json(&error),
            )
            .mount(&server)
            .await;
        let error = serde_json::json!({"errorType": "BuildPortfolio.Transient", "errorMessage": "S3 throttled"});
        Mock::given(path("/2015-03-31/functions/build-portfolio/invocations"))
            .respond_with(ResponseTemplate::new(500).set_body_json(&error))
            .mount(&server)
            .await;
        let tasks = tasks(&server).await;
        assert_eq!(tasks.extract(&input()).await, Err("Extract.NeedsOcr".into()));
        let (job, user, cv) =
            (JobId::parse("job1").expect("id"), UserId::parse("user1").expect("id"), CvId::parse("cv1").expect("id"));
        assert_eq!(tasks.build_portfolio(&job, &user, &cv).await, Err("BuildPortfolio.Transient".into()));
    }

    #[tokio::test]
    async fn an_unreachable_or_confused_emulator_is_a_retryable_service_error() {
        let server = MockServer::start().await;
        Mock::given(path("/2015-03-31/functions/extract/invocations"))
            .respond_with(ResponseTemplate::new(502).set_body_string("bad gateway"))
            .mount(&server)
            .await;
        assert_eq!(tasks(&server).await.extract(&input()).await, Err(SERVICE_ERROR.into()));
        let gone = Url::parse("http://127.0.0.1:9").expect("url");
        let unreachable = LambdaEmulator::new(gone).expect("client");
        assert_eq!(unreachable.extract(&input()).await, Err(SERVICE_ERROR.into()));
    }
}
