//! Accounts and sessions as a person (and an attacker) meets them.

use std::time::Duration;

use crate::support::provider::field;
use crate::support::{PASSWORD, World, json_of, text};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use bytes::Bytes;
use r2w_core::account;
use r2w_core::model::UserId;
use r2w_core::store::{BlobKey, PutOptions};
use serde_json::json;

#[tokio::test]
async fn a_person_registers_signs_in_and_sees_their_account() {
    let world = World::new().await;
    let registered = world.register(" Ada@Example.com ").await;
    assert_eq!(registered["user"]["email"], "ada@example.com", "stored normalised");
    assert_eq!(registered["user"]["email_verified"], false);
    assert_eq!(registered["user"]["has_password"], true);
    assert_eq!((registered["expires_in"].as_u64(), field(&registered, "token_type")), (Some(900), "Bearer"));
    assert!(field(&registered, "refresh_token").starts_with("r2w_rt_"));

    let login = world.login("ADA@example.COM", PASSWORD).await;
    assert_eq!(login.status(), 200, "{}", text(&login));
    let me = world.me(field(&json_of(&login), "access_token")).await;
    assert_eq!(me.status(), 200);
    assert_eq!(json_of(&me)["id"], registered["user"]["id"]);
    assert_eq!(me.headers()["cache-control"], "no-store");
}

#[tokio::test]
async fn an_address_registers_once_in_any_case() {
    let world = World::new().await;
    world.register("ada@example.com").await;
    let again = world
        .call(
            "POST",
            "/v1/auth/register",
            None,
            Some(json!({"email": "ADA@EXAMPLE.COM", "password": "another-long-passphrase-77", "full_name": "Ada"})),
        )
        .await;
    assert_eq!(again.status(), 409, "{}", text(&again));
}

#[tokio::test]
async fn weak_or_malformed_registrations_are_refused_with_reasons() {
    let world = World::new().await;
    let register =
        |email: &str, password: &str| json!({ "email": email, "password": password, "full_name": "Ada Lovelace" });
    let cases = [
        (register("ada@example.com", "short"), 422, "at least 10"),
        (register("ada@example.com", "password1234"), 422, "too easy"),
        (register("ada@example.com", "ada@example.com"), 422, "too easy"),
        (register("not-an-address", PASSWORD), 422, "e-mail"),
        (json!({ "email": "ada@example.com", "password": PASSWORD }), 400, "full_name"),
        (json!({ "email": "ada@example.com", "password": PASSWORD, "full_name": "A", "admin": true }), 400, "admin"),
    ];
    for (body, status, says) in cases {
        let response = world.call_from("203.0.113.1", "POST", "/v1/auth/register", None, Some(body.clone())).await;
        assert_eq!(response.status(), status, "{body}: {}", text(&response));
        assert!(text(&response).contains(says), "{body}: {}", text(&response));
        assert!(!text(&response).contains(PASSWORD), "passwords are never echoed");
    }
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_address_get_the_same_answer() {
    let world = World::new().await;
    world.register("ada@example.com").await;
    let wrong_password = world.login("ada@example.com", "not-the-password-at-all").await;
    let unknown = world.login("nobody@example.com", PASSWORD).await;
    assert_eq!((wrong_password.status().as_u16(), unknown.status().as_u16()), (401, 401));
    assert_eq!(text(&wrong_password), text(&unknown), "nothing tells the two apart");
}

#[tokio::test]
async fn guessing_is_slowed_down_per_address_and_per_ip() {
    let world = World::new().await;
    world.register("ada@example.com").await;
    for _ in 0..5 {
        assert_eq!(world.login("ada@example.com", "wrong-password-guess").await.status(), 401);
    }
    let blocked = world.login("ada@example.com", PASSWORD).await;
    assert_eq!(blocked.status(), 429, "even the right password waits");
    let wait: u64 = blocked.headers()["retry-after"].to_str().expect("header").parse().expect("seconds");
    assert!((1..=900).contains(&wait), "{wait}");

    world.clock.advance(Duration::from_secs(wait));
    assert_eq!(world.login("ada@example.com", PASSWORD).await.status(), 200, "the window has passed");

    for n in 0..20 {
        let email = format!("guess{n}@example.com");
        let response = world
            .call_from(
                "192.0.2.66",
                "POST",
                "/v1/auth/login",
                None,
                Some(json!({"email": email, "password": "x-guess-x"})),
            )
            .await;
        assert_eq!(response.status(), 401);
    }
    let from_same_ip = world
        .call_from(
            "192.0.2.66",
            "POST",
            "/v1/auth/login",
            None,
            Some(json!({"email": "ada@example.com", "password": PASSWORD})),
        )
        .await;
    assert_eq!(from_same_ip.status(), 429, "one IP spraying many addresses is stopped");
    assert_eq!(world.login("ada@example.com", PASSWORD).await.status(), 200, "other IPs are not");
}

#[tokio::test]
async fn registrations_from_one_ip_are_limited() {
    let world = World::new().await;
    for n in 0..10 {
        let body = json!({ "email": format!("p{n}@example.com"), "password": PASSWORD, "full_name": "P" });
        assert_eq!(world.call_from("192.0.2.9", "POST", "/v1/auth/register", None, Some(body)).await.status(), 201);
    }
    let body = json!({ "email": "p10@example.com", "password": PASSWORD, "full_name": "P" });
    let response = world.call_from("192.0.2.9", "POST", "/v1/auth/register", None, Some(body)).await;
    assert_eq!(response.status(), 429);
    assert!(response.headers().contains_key("retry-after"));
}

#[tokio::test]
async fn a_refresh_token_works_once_and_its_reuse_ends_the_session() {
    let world = World::new().await;
    let first = world.register("ada@example.com").await;
    let first_refresh = field(&first, "refresh_token").to_owned();

    let second = world.refresh(&first_refresh).await;
    assert_eq!(second.status(), 200, "{}", text(&second));
    let second = json_of(&second);
    assert_ne!(field(&second, "refresh_token"), first_refresh, "rotated");
    assert_eq!(world.me(field(&second, "access_token")).await.status(), 200);

    let replay = world.refresh(&first_refresh).await;
    assert_eq!(replay.status(), 401, "a used token is refused");
    let after_replay = world.refresh(field(&second, "refresh_token")).await;
    assert_eq!(after_replay.status(), 401, "and the whole family is revoked, the thief's copy and the owner's");

    let other_session = json_of(&world.login("ada@example.com", PASSWORD).await);
    assert_eq!(world.refresh(field(&other_session, "refresh_token")).await.status(), 200, "other sessions live on");
    assert_eq!(world.refresh("r2w_rt_made-up").await.status(), 401);
}

/// The refresh token a response set in the session cookie, checking the cookie's attributes.
fn session_cookie(response: &lambda_http::Response<lambda_http::Body>) -> String {
    let cookie = response.headers().get("set-cookie").and_then(|v| v.to_str().ok()).expect("a session cookie");
    for attribute in ["Path=/v1/auth", "HttpOnly", "Secure", "SameSite=Strict"] {
        assert!(cookie.split("; ").any(|a| a == attribute), "{attribute} in {cookie}");
    }
    let (name_value, _) = cookie.split_once("; ").expect("attributes");
    name_value.strip_prefix("r2w_session=").expect("the session cookie").to_owned()
}

#[tokio::test]
async fn a_browser_app_keeps_its_refresh_token_in_a_cookie_no_script_can_read() {
    let world = World::new().await;
    let app = ("r2w-session", "cookie".to_owned());
    let body = json!({ "email": "ada@example.com", "password": PASSWORD, "full_name": "Ada Lovelace" });
    let registered =
        world.call_with("192.0.2.1", "POST", "/v1/auth/register", std::slice::from_ref(&app), Some(body)).await;
    assert_eq!(registered.status(), 201, "{}", text(&registered));
    let signed_in = json_of(&registered);
    assert!(signed_in.get("refresh_token").is_none(), "not in the body: {signed_in}");
    assert!(signed_in["access_token"].is_string());
    let first = session_cookie(&registered);
    assert!(first.starts_with("r2w_rt_"));

    // A reload: the app has only its cookie.
    let cookie = |token: &str| ("cookie", format!("theme=dark; r2w_session={token}"));
    let refreshed =
        world.call_with("192.0.2.1", "POST", "/v1/auth/refresh", &[app.clone(), cookie(&first)], None).await;
    assert_eq!(refreshed.status(), 200, "{}", text(&refreshed));
    assert!(json_of(&refreshed).get("refresh_token").is_none());
    assert_eq!(world.me(json_of(&refreshed)["access_token"].as_str().expect("access")).await.status(), 200);
    let second = session_cookie(&refreshed);
    assert_ne!(second, first, "rotated");

    // Without the header the cookie is not looked at (a cross-site form cannot send the header).
    let forged = world.call_with("192.0.2.1", "POST", "/v1/auth/refresh", &[cookie(&second)], None).await;
    assert_eq!(forged.status(), 400, "{}", text(&forged));
    let no_cookie = world.call_with("192.0.2.1", "POST", "/v1/auth/refresh", std::slice::from_ref(&app), None).await;
    assert_eq!(no_cookie.status(), 401);

    let out = world.call_with("192.0.2.1", "POST", "/v1/auth/logout", &[app.clone(), cookie(&second)], None).await;
    assert_eq!(out.status(), 204);
    let cleared = out.headers().get("set-cookie").and_then(|v| v.to_str().ok()).expect("cleared");
    assert!(cleared.starts_with("r2w_session=;") && cleared.contains("Max-Age=0"), "{cleared}");
    let after = world.call_with("192.0.2.1", "POST", "/v1/auth/refresh", &[app, cookie(&second)], None).await;
    assert_eq!(after.status(), 401, "signed out");
}

#[tokio::test]
async fn sessions_end_after_seven_idle_days() {
    let world = World::new().await;
    let session = world.register("ada@example.com").await;
    world.clock.advance(Duration::from_secs(6 * 24 * 3600));
    let renewed = world.refresh(field(&session, "refresh_token")).await;
    assert_eq!(renewed.status(), 200, "used within 7 days");
    world.clock.advance(Duration::from_secs(7 * 24 * 3600 + 1));
    assert_eq!(world.refresh(field(&json_of(&renewed), "refresh_token")).await.status(), 401, "idle for 7 days");
}

#[tokio::test]
async fn signing_out_ends_one_session_and_signing_out_everywhere_ends_all() {
    let world = World::new().await;
    let laptop = world.register("ada@example.com").await;
    let phone = json_of(&world.login("ada@example.com", PASSWORD).await);

    let logout = world
        .call("POST", "/v1/auth/logout", None, Some(json!({"refresh_token": field(&laptop, "refresh_token")})))
        .await;
    assert_eq!(logout.status(), 204);
    assert_eq!(world.refresh(field(&laptop, "refresh_token")).await.status(), 401);
    assert_eq!(world.refresh(field(&phone, "refresh_token")).await.status(), 200, "the phone is still signed in");

    let phone = json_of(&world.login("ada@example.com", PASSWORD).await);
    world.clock.advance(Duration::from_secs(1));
    let all = world.call("POST", "/v1/auth/logout-all", Some(field(&phone, "access_token")), None).await;
    assert_eq!(all.status(), 204);
    assert_eq!(world.me(field(&phone, "access_token")).await.status(), 401, "access tokens end at once");
    assert_eq!(world.refresh(field(&phone, "refresh_token")).await.status(), 401);
    world.clock.advance(Duration::from_secs(1));
    let fresh = json_of(&world.login("ada@example.com", PASSWORD).await);
    assert_eq!(world.me(field(&fresh, "access_token")).await.status(), 200, "a new sign-in works");
}

#[tokio::test]
async fn forged_unsigned_and_expired_tokens_are_refused() {
    let world = World::new().await;
    let session = world.register("ada@example.com").await;
    let token = field(&session, "access_token");
    let user = UserId::parse(session["user"]["id"].as_str().expect("id")).expect("user id");
    let parts: Vec<&str> = token.split('.').collect();

    let forged_payload = URL_SAFE_NO_PAD.encode(json!({"sub": "someone-else", "exp": 9_999_999_999_i64}).to_string());
    let forged = format!("{}.{forged_payload}.{}", parts[0], parts[2]);
    let unsigned_header = URL_SAFE_NO_PAD.encode(json!({"alg": "none", "typ": "JWT"}).to_string());
    let unsigned = format!("{unsigned_header}.{}.", parts[1]);
    let expired = world.tokens.issue(&user, 0, time::OffsetDateTime::now_utc().unix_timestamp() - 3600).expect("token");
    for (what, bad) in [
        ("forged", forged.as_str()),
        ("alg none", unsigned.as_str()),
        ("expired", expired.as_str()),
        ("garbage", "abc"),
    ] {
        let response = world.me(bad).await;
        assert_eq!(response.status(), 401, "{what}");
        assert_eq!(response.headers()["content-type"], "application/problem+json");
    }
    assert_eq!(world.call("GET", "/v1/auth/me", None, None).await.status(), 401, "no token");
}

#[tokio::test]
async fn a_deleted_account_leaves_nothing_and_its_tokens_stop_working() {
    let world = World::new().await;
    let session = world.register("ada@example.com").await;
    let user = UserId::parse(session["user"]["id"].as_str().expect("id")).expect("user id");
    let original = BlobKey::parse(format!("uploads/{user}/upload-1/original")).expect("key");
    world
        .app
        .uploads
        .put(&original, Bytes::from_static(b"%PDF-1.7"), PutOptions::new("application/pdf"))
        .await
        .expect("upload");
    let other = world.register("grace@example.com").await;

    let deleted = world.call("DELETE", "/v1/auth/me", Some(field(&session, "access_token")), None).await;
    assert_eq!(deleted.status(), 204, "{}", text(&deleted));

    assert_eq!(world.me(field(&session, "access_token")).await.status(), 401, "the access token stops at once");
    assert_eq!(world.refresh(field(&session, "refresh_token")).await.status(), 401);
    assert_eq!(world.login("ada@example.com", PASSWORD).await.status(), 401);
    assert!(
        matches!(world.app.uploads.get(&original).await, Err(r2w_core::store::BlobError::NotFound(_))),
        "the original is gone"
    );
    assert_eq!(account::remaining_items(world.app.table.as_ref(), &user).await.expect("items"), vec![], "no item left");
    assert_eq!(world.me(field(&other, "access_token")).await.status(), 200, "others are untouched");
    world.register("ada@example.com").await;
}
