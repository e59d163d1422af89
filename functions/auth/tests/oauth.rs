//! Signing in with Google, LinkedIn and GitHub, against local providers that speak the real
//! protocols — and every way a callback can be wrong.

use crate::support::provider::{FakeProvider, Misbehaviour, field};
use crate::support::{FRONTEND, PASSWORD, World, json_of, location, person, text};
use r2w_core::clock::Clock;
use serde_json::json;
use url::Url;

/// What the browser does: our start URL, the provider's authorize page (which approves at
/// once), and back to our callback. Returns our callback's answer.
async fn sign_in(world: &World, provider: &str, fake: &FakeProvider) -> lambda_http::Response<lambda_http::Body> {
    let callback = provider_redirect(world, provider, fake).await;
    let path = format!("{}?{}", callback.path(), callback.query().unwrap_or_default());
    world.call("GET", &path, None, None).await
}

/// Starts a sign-in and follows it to the provider, returning where the provider sends the
/// browser back to (our callback with `code` and `state`).
async fn provider_redirect(world: &World, provider: &str, fake: &FakeProvider) -> Url {
    let start = format!("/v1/auth/oauth/{provider}/start?redirect_uri={FRONTEND}/welcome");
    let started = world.call("GET", &start, None, None).await;
    assert_eq!(started.status(), 302, "{}", text(&started));
    let authorize = location(&started).expect("to the provider");
    assert!(authorize.as_str().starts_with(&fake.uri()), "{authorize}");
    let browser = r2w_http::http_client().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    let approved = browser.get(authorize).send().await.expect("authorize");
    assert_eq!(approved.status(), 302, "{}", approved.text().await.unwrap_or_default());
    let back = approved.headers()["location"].to_str().expect("location");
    Url::parse(back).expect("callback URL")
}

fn param(url: &Url, name: &str) -> Option<String> {
    url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

/// The frontend's last step: the login code for tokens.
async fn exchange(world: &World, code: &str) -> lambda_http::Response<lambda_http::Body> {
    world.call("POST", "/v1/auth/oauth/exchange", None, Some(json!({ "login_code": code }))).await
}

/// Signs in and swaps the code; returns the exchange's JSON.
async fn signed_in(world: &World, provider: &str, fake: &FakeProvider) -> serde_json::Value {
    let back = sign_in(world, provider, fake).await;
    assert_eq!(back.status(), 302, "{}", text(&back));
    let frontend = location(&back).expect("back to the frontend");
    assert_eq!(format!("{}://{}", frontend.scheme(), frontend.host_str().unwrap_or_default()), FRONTEND);
    assert_eq!(frontend.path(), "/welcome");
    assert_eq!(param(&frontend, "error"), None, "{frontend}");
    let code = param(&frontend, "login_code").expect("a login code");
    let tokens = exchange(world, &code).await;
    assert_eq!(tokens.status(), 200, "{}", text(&tokens));
    assert_eq!(exchange(world, &code).await.status(), 401, "a login code works once");
    json_of(&tokens)
}

#[tokio::test]
async fn google_creates_a_verified_account_and_signs_it_in_again() {
    let world = World::new().await;
    let first = signed_in(&world, "google", &world.google).await;
    assert_eq!(first["user"]["email"], "ada@example.com");
    assert_eq!(first["user"]["email_verified"], true);
    assert_eq!(first["user"]["has_password"], false);
    assert_eq!(first["user"]["providers"], json!(["google"]));
    assert_eq!(first["user"]["full_name"], "Ada Lovelace");
    let me = world.me(field(&first, "access_token")).await;
    assert_eq!(me.status(), 200);

    let second = signed_in(&world, "google", &world.google).await;
    assert_eq!(second["user"]["id"], first["user"]["id"], "the identity finds the same account");
    assert_eq!(world.login("ada@example.com", PASSWORD).await.status(), 401, "no password was ever set");
}

#[tokio::test]
async fn linkedin_signs_in_with_the_address_from_userinfo() {
    let world = World::new().await;
    let signed = signed_in(&world, "linkedin", &world.linkedin).await;
    assert_eq!(signed["user"]["email"], "ada@example.com");
    assert_eq!(signed["user"]["providers"], json!(["linkedin"]));
}

#[tokio::test]
async fn github_signs_in_with_the_primary_verified_address_and_links_by_it() {
    let world = World::new().await;
    let google = signed_in(&world, "google", &world.google).await;
    let github = signed_in(&world, "github", &world.github).await;
    assert_eq!(github["user"]["id"], google["user"]["id"], "linked by the verified address");
    assert_eq!(github["user"]["providers"], json!(["google", "github"]));
}

#[tokio::test]
async fn an_unproven_password_account_is_taken_over_safely_by_the_address_owner() {
    let world = World::new().await;
    let squatter = world.register("ada@example.com").await;
    let owner = signed_in(&world, "google", &world.google).await;
    assert_eq!(owner["user"]["id"], squatter["user"]["id"], "one account per address");
    assert_eq!(owner["user"]["has_password"], false, "the unproven password is removed");
    assert_eq!(world.login("ada@example.com", PASSWORD).await.status(), 401);
    assert_eq!(world.me(field(&squatter, "access_token")).await.status(), 401, "the squatter's sessions end");
    assert_eq!(world.refresh(field(&squatter, "refresh_token")).await.status(), 401);
    assert_eq!(world.me(field(&owner, "access_token")).await.status(), 200);
}

#[tokio::test]
async fn an_unverified_provider_address_creates_nothing() {
    let world = World::new().await;
    world
        .google
        .set_person(crate::support::provider::Person { email_verified: false, ..person("g-2", "eve@example.com") });
    let back = sign_in(&world, "google", &world.google).await;
    let frontend = location(&back).expect("back to the frontend");
    assert_eq!(param(&frontend, "error").as_deref(), Some("email_not_verified"));
    assert_eq!(param(&frontend, "login_code"), None);
}

#[tokio::test]
async fn a_bad_id_token_signs_no_one_in() {
    let world = World::new().await;
    for misbehaviour in
        [Misbehaviour::WrongNonce, Misbehaviour::Expired, Misbehaviour::WrongAudience, Misbehaviour::TamperedSignature]
    {
        world.google.misbehave(misbehaviour);
        let back = sign_in(&world, "google", &world.google).await;
        assert_eq!(back.status(), 302, "{misbehaviour:?}: {}", text(&back));
        let frontend = location(&back).expect("back to the frontend");
        assert_eq!(param(&frontend, "error").as_deref(), Some("invalid_id_token"), "{misbehaviour:?}");
        assert_eq!(param(&frontend, "login_code"), None, "{misbehaviour:?}");
    }
    world.google.misbehave(Misbehaviour::None);
    let fine = signed_in(&world, "google", &world.google).await;
    assert_eq!(fine["user"]["providers"], json!(["google"]), "only the good token made an account");
}

#[tokio::test]
async fn a_state_we_did_not_issue_or_already_used_is_refused() {
    let world = World::new().await;
    let callback = provider_redirect(&world, "google", &world.google).await;
    let code = param(&callback, "code").expect("code");

    let forged =
        world.call("GET", &format!("/v1/auth/oauth/google/callback?code={code}&state=forged-state"), None, None).await;
    assert_eq!(forged.status(), 400, "{}", text(&forged));
    assert!(location(&forged).is_none(), "no redirect anywhere");
    let missing = world.call("GET", &format!("/v1/auth/oauth/google/callback?code={code}"), None, None).await;
    assert_eq!(missing.status(), 400);

    let path = format!("{}?{}", callback.path(), callback.query().unwrap_or_default());
    let github_path = path.replace("/google/", "/github/");
    assert_eq!(world.call("GET", &github_path, None, None).await.status(), 400, "a state is for its provider only");
    let replayed = world.call("GET", &path, None, None).await;
    assert_eq!(replayed.status(), 400, "the state was spent by the wrong-provider attempt");
}

#[tokio::test]
async fn a_state_works_once() {
    let world = World::new().await;
    let callback = provider_redirect(&world, "github", &world.github).await;
    let path = format!("{}?{}", callback.path(), callback.query().unwrap_or_default());
    assert_eq!(world.call("GET", &path, None, None).await.status(), 302);
    assert_eq!(world.call("GET", &path, None, None).await.status(), 400, "replayed");
}

#[tokio::test]
async fn sign_ins_return_only_to_allowed_origins() {
    let world = World::new().await;
    for target in [
        "https://evil.example.net/steal",
        "https://app.example.com.evil.net/",
        "http://app.example.com/",
        "//evil.example.net/",
        "javascript:alert(1)",
        "https://user@app.example.com/",
    ] {
        let encoded: String = url::form_urlencoded::byte_serialize(target.as_bytes()).collect();
        let response =
            world.call("GET", &format!("/v1/auth/oauth/google/start?redirect_uri={encoded}"), None, None).await;
        assert_eq!(response.status(), 400, "{target}");
        assert!(location(&response).is_none(), "{target}: no open redirect");
    }
    let unknown =
        world.call("GET", "/v1/auth/oauth/myspace/start?redirect_uri=https://app.example.com/", None, None).await;
    assert_eq!(unknown.status(), 404);
}

#[tokio::test]
async fn the_provider_is_sent_pkce_state_and_nonce() {
    let world = World::new().await;
    let start = world.call("GET", &format!("/v1/auth/oauth/google/start?redirect_uri={FRONTEND}/"), None, None).await;
    let authorize = location(&start).expect("to the provider");
    assert_eq!(param(&authorize, "code_challenge_method").as_deref(), Some("S256"));
    assert_eq!(param(&authorize, "code_challenge").map(|c| c.len()), Some(43));
    assert!(param(&authorize, "state").is_some_and(|s| s.len() >= 43));
    assert!(param(&authorize, "nonce").is_some_and(|s| s.len() >= 43));
    assert_eq!(
        param(&authorize, "redirect_uri").as_deref(),
        Some("http://127.0.0.1:8080/v1/auth/oauth/google/callback")
    );
    assert_eq!(start.headers()["cache-control"], "no-store");
}

/// Two-step sign-in holds after a provider too: the exchange answers a challenge, and only a
/// code turns it into tokens. An account without a password proves itself for the setup with a
/// fresh sign-in, which goes stale after ten minutes.
#[tokio::test]
async fn a_provider_sign_in_asks_for_the_second_factor_too() {
    let world = World::new().await;
    let first = signed_in(&world, "github", &world.github).await;
    let access = field(&first, "access_token").to_owned();
    let enrolled = world.call("POST", "/v1/auth/2fa/totp", Some(&access), Some(json!({}))).await;
    assert_eq!(enrolled.status(), 200, "a fresh sign-in stands in for the password: {}", text(&enrolled));
    let secret = field(&json_of(&enrolled), "secret").to_owned();
    let now = || world.clock.unix_now() as u64;
    let code = r2w_auth::two_factor::code_at(&secret, now()).expect("code");
    let confirmed = world.call("POST", "/v1/auth/2fa/totp/confirm", Some(&access), Some(json!({"code": code}))).await;
    assert_eq!(confirmed.status(), 200, "{}", text(&confirmed));

    let back = sign_in(&world, "github", &world.github).await;
    let code = param(&location(&back).expect("frontend"), "login_code").expect("a login code");
    let challenged = exchange(&world, &code).await;
    assert_eq!(challenged.status(), 202, "{}", text(&challenged));
    let challenge = json_of(&challenged);
    assert!(challenge.get("access_token").is_none());
    world.clock.advance(std::time::Duration::from_secs(30));
    let code = r2w_auth::two_factor::code_at(&secret, now()).expect("code");
    let body = json!({"challenge": challenge["challenge"], "code": code});
    let signed = world.call("POST", "/v1/auth/2fa/verify", None, Some(body)).await;
    assert_eq!(signed.status(), 200, "{}", text(&signed));

    // Ten minutes on, the session is no longer fresh enough to turn the second factor off.
    world.clock.advance(std::time::Duration::from_secs(11 * 60));
    let refreshed = world.refresh(field(&json_of(&signed), "refresh_token")).await;
    let current = field(&json_of(&refreshed), "access_token").to_owned();
    let code = r2w_auth::two_factor::code_at(&secret, now()).expect("code");
    let off = world.call("DELETE", "/v1/auth/2fa/totp", Some(&current), Some(json!({"code": code}))).await;
    assert_eq!(off.status(), 403, "sign in again first: {}", text(&off));
}
