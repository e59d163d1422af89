//! The reference for cold-start measurements (scripts/cold-start.py): the smallest
//! `lambda_runtime` function, answering its event with itself. Built with the same profile as
//! the functions it is compared with.

use lambda_runtime::{Error, LambdaEvent, service_fn};
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_runtime::run(service_fn(|event: LambdaEvent<Value>| async move { Ok::<_, Error>(event.payload) })).await
}
