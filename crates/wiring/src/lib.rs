//! Which adapters a process runs on, chosen by its configuration: the cloud ones always; the
//! embedded ones only when this crate is built with its `embedded` feature (the `r2w` command
//! and `cargo lambda watch --features embedded`). A Lambda function is built without it, so
//! its binary carries no SQLite and no local adapters.

use std::sync::Arc;

use r2w_core::clock::Clock;
use r2w_core::config::Backend;
use r2w_core::pipeline::Pipeline;
use r2w_core::{App, Config, Error};

/// The [`App`] the configuration names.
pub async fn app(config: Config) -> Result<App, Error> {
    match config.backend.clone() {
        Backend::Aws(settings) => r2w_aws::app(config, &settings).await,
        #[cfg(feature = "embedded")]
        Backend::Embedded { data_dir } => {
            r2w_embedded::app(config, &data_dir, r2w_core::secrets::EnvSecrets::from_env()).await
        }
        #[cfg(not(feature = "embedded"))]
        Backend::Embedded { .. } => Err(Error::Internal(
            "this build runs on AWS only: set R2W_BACKEND=aws with the table and buckets, \
             or build it with `--features embedded` for the one-machine default"
                .into(),
        )),
    }
}

/// The pipeline of a function binary, chosen by its environment: `R2W_STATE_MACHINE_ARN`
/// starts Step Functions executions (the cloud); with the `embedded` feature,
/// `R2W_LAMBDA_INVOKE_URL` runs the state machine in this process over the task functions of a
/// local Lambda emulator (`cargo lambda watch`).
pub async fn pipeline(app: &App, clock: Arc<dyn Clock>) -> Result<Arc<dyn Pipeline>, Error> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    if let Some(state_machine) = var("R2W_STATE_MACHINE_ARN") {
        return Ok(Arc::new(r2w_aws::step_functions(&state_machine).await?));
    }
    #[cfg(feature = "embedded")]
    if let Some(endpoint) = var("R2W_LAMBDA_INVOKE_URL") {
        return r2w_embedded::emulated_pipeline(app, &endpoint, clock);
    }
    let _ = (app, clock);
    Err(Error::Internal(
        "no pipeline: set R2W_STATE_MACHINE_ARN (Step Functions), or R2W_LAMBDA_INVOKE_URL (a local Lambda \
         emulator) in a build with `--features embedded`"
            .into(),
    ))
}
