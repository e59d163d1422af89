//! The release workflow (.github/workflows/release.yml), read as data: pull requests run the
//! README's test command; deploys assume a role through OIDC and hold no AWS key; production
//! waits for staging and its smoke test. actionlint checks the workflow itself (scripts/test.sh).

use std::path::{Path, PathBuf};

use serde_norway::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn workflow() -> (String, Value) {
    let text = std::fs::read_to_string(root().join(".github/workflows/release.yml")).expect("the workflow");
    let value = serde_norway::from_str(&text).expect("the workflow is YAML");
    (text, value)
}

fn job<'a>(workflow: &'a Value, name: &str) -> &'a Value {
    workflow.get("jobs").and_then(|jobs| jobs.get(name)).unwrap_or_else(|| panic!("no job {name}"))
}

fn steps(job: &Value) -> Vec<&Value> {
    job.get("steps").and_then(Value::as_sequence).map(|s| s.iter().collect()).unwrap_or_default()
}

fn field<'a>(value: &'a Value, key: &str) -> &'a str {
    value.get(key).and_then(Value::as_str).unwrap_or_default()
}

/// The README's commands: the first lines of its first `sh` block, without their comments.
fn readme_commands() -> Vec<String> {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let block = readme.split("```sh").nth(1).and_then(|rest| rest.split("```").next()).expect("a sh block");
    block
        .lines()
        .map(|line| line.split('#').next().unwrap_or_default().trim().to_owned())
        .filter(|c| !c.is_empty())
        .collect()
}

#[test]
fn pull_requests_run_the_readmes_test_command_and_the_checks() {
    let (_, workflow) = workflow();
    let on = workflow.get("on").expect("triggers");
    assert!(on.get("pull_request").is_some(), "every pull request is tested");
    assert_eq!(on.get("push").and_then(|p| p.get("branches")), Some(&Value::from(vec!["main"])));

    let commands = readme_commands();
    assert_eq!(commands.len(), 2, "the README gives exactly two commands: {commands:?}");
    let test = steps(job(&workflow, "test")).into_iter().find(|s| field(s, "name") == "Test").expect("the Test step");
    assert_eq!(field(test, "run").trim(), commands[1], "the workflow tests with the README's test command");

    let checks: Vec<&str> = steps(job(&workflow, "checks")).into_iter().map(|s| field(s, "run")).collect();
    assert!(checks.iter().any(|r| r.contains("cargo-deny check")), "{checks:?}");
    assert!(checks.iter().any(|r| r.contains("scripts/secrets-scan.py")), "{checks:?}");
}

#[test]
fn deploys_assume_a_role_through_oidc_and_hold_no_aws_key() {
    let (text, workflow) = workflow();
    for forbidden in
        ["aws-access-key-id", "aws-secret-access-key", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "secrets."]
    {
        assert!(!text.contains(forbidden), "the workflow names {forbidden}: no long-lived secret belongs in it");
    }
    for (name, environment, stack) in [("staging", "staging", "r2w-staging"), ("production", "production", "r2w-prod")]
    {
        let deploy = job(&workflow, name);
        let permissions = deploy.get("permissions").expect("permissions");
        assert_eq!(field(permissions, "id-token"), "write", "{name} asks GitHub for an OIDC token");
        assert_eq!(field(deploy.get("environment").expect("environment"), "name"), environment);
        let steps = steps(deploy);
        let credentials = steps
            .iter()
            .find(|s| field(s, "uses").starts_with("aws-actions/configure-aws-credentials@"))
            .expect("credentials from the OIDC role");
        let with = credentials.get("with").expect("with");
        assert!(field(with, "role-to-assume").starts_with("${{ vars."), "a role ARN, not a key");
        let runs: Vec<&str> = steps.iter().map(|s| field(s, "run")).collect();
        assert!(runs.iter().any(|r| r.contains(&format!("make deploy ENV={}", &stack[4..]))), "{name}: {runs:?}");
        assert!(runs.iter().any(|r| r.starts_with("scripts/smoke.sh")), "{name} is smoke-tested");
    }
    assert_eq!(job(&workflow, "production").get("needs"), Some(&Value::from(vec!["staging"])));
    let staging_needs = job(&workflow, "staging").get("needs").and_then(Value::as_sequence).expect("needs");
    assert!(staging_needs.contains(&Value::from("test")) && staging_needs.contains(&Value::from("checks")));

    // The role's trust is this repository's staging and production environments only.
    let role = std::fs::read_to_string(root().join("infra/ci/github-deploy-role.yaml")).expect("the role template");
    assert!(role.contains("sts:AssumeRoleWithWebIdentity") && role.contains("token.actions.githubusercontent.com:aud"));
    assert!(
        role.contains("repo:${Repository}:environment:staging")
            && role.contains("repo:${Repository}:environment:production")
    );
}
