//! The portfolios API as its owner (and a stranger) uses it.

use crate::support::{Client, World, json_of, view};
use lambda_http::Body;
use lambda_http::http::Request as HttpRequest;
use r2w_core::model::UserId;
use r2w_core::store::BlobKey;
use serde_json::{Value, json};

#[tokio::test]
async fn an_owner_lists_rebuilds_renames_and_deletes_a_portfolio() {
    let world = World::new().await;
    let user = UserId::random();
    let built = world.task().run(world.extracted(&user, "Dana Levi").await).await.expect("built");
    let client = Client::new(&world).await;
    let path = format!("/v1/portfolios/{}", built.portfolio_id);

    let list = client.call(Some(&user), "GET", "/v1/portfolios", None).await;
    assert_eq!(list.status(), 200);
    assert_eq!(json_of(&list)["items"].as_array().map(Vec::len), Some(1));
    let one = client.call(Some(&user), "GET", &path, None).await;
    let first = view(&one);
    assert_eq!((first.status.as_str(), first.theme.as_str()), ("preview", "classic"));
    assert_eq!(first.preview_url.as_deref(), Some(built.preview_url.as_str()));
    assert_eq!(one.headers().get("cache-control").and_then(|v| v.to_str().ok()), Some("no-store"));
    // Every theme drawn with the person's own data, to compare them.
    let themes: Vec<&str> = first.theme_previews.keys().map(String::as_str).collect();
    assert_eq!(themes, ["classic", "minimal", "modern"]);
    assert_eq!(first.theme_previews.get("classic"), first.preview_url.as_ref());
    for (theme, url) in &first.theme_previews {
        let path = url::Url::parse(url).expect("url").path().trim_start_matches('/').to_owned();
        let page = world.app.sites.get(&BlobKey::parse(path).expect("key")).await.expect("the sample exists");
        let html = String::from_utf8_lossy(&page.body).into_owned();
        assert!(html.contains("Dana Levi") && html.contains("noindex"), "{theme}: a preview of her CV");
    }

    world.clock.advance(std::time::Duration::from_secs(60));
    let rebuilt =
        client.call(Some(&user), "POST", &format!("{path}/rebuild"), Some(json!({ "theme": "minimal" }))).await;
    assert_eq!(rebuilt.status(), 200);
    let rebuilt = view(&rebuilt);
    assert_eq!(rebuilt.theme, "minimal");
    assert_ne!(rebuilt.preview_url, first.preview_url, "a new preview link");

    let renamed = client.call(Some(&user), "PATCH", &path, Some(json!({ "slug": "dana-builds" }))).await;
    assert_eq!(renamed.status(), 200);
    assert_eq!(view(&renamed).slug.map(|s| s.to_string()).as_deref(), Some("dana-builds"));

    let deleted = client.call(Some(&user), "DELETE", &path, None).await;
    assert_eq!(deleted.status(), 204);
    assert_eq!(client.call(Some(&user), "GET", &path, None).await.status(), 404);
    assert!(world.app.sites.list(&format!("previews/{}/", built.portfolio_id)).await.expect("list").is_empty());
}

#[tokio::test]
async fn a_preview_expires_after_a_day_and_a_rebuild_makes_a_fresh_one() {
    let world = World::new().await;
    let user = UserId::random();
    let built = world.task().run(world.extracted(&user, "Dana Levi").await).await.expect("built");
    let client = Client::new(&world).await;
    let path = format!("/v1/portfolios/{}", built.portfolio_id);
    let folder = format!("previews/{}/", built.portfolio_id);
    let files = world.keys(&folder).await;
    assert!(!files.is_empty());

    let fresh = view(&client.call(Some(&user), "GET", &path, None).await);
    assert!(!fresh.preview_expired);
    assert_eq!(fresh.preview_expires_at.as_deref(), Some("2027-01-16T08:00:00Z"), "24 h after the build");
    assert_eq!(world.sites().remove_expired_previews().await.expect("sweep"), 0, "nothing has expired");

    world.clock.advance(std::time::Duration::from_secs(24 * 3600));
    let expired = client.call(Some(&user), "GET", &path, None).await;
    assert_eq!(json_of(&expired)["previewExpired"], true);
    let expired = view(&expired);
    assert_eq!(expired.preview_url, None, "no dead link handed out");
    assert!(expired.theme_previews.is_empty());
    assert_eq!(expired.preview_expires_at, fresh.preview_expires_at, "when it went");
    let listed = json_of(&client.call(Some(&user), "GET", "/v1/portfolios", None).await);
    assert_eq!(listed["items"][0]["previewExpired"], true);
    assert!(listed["items"][0].get("previewUrl").is_none());

    assert_eq!(world.sites().remove_expired_previews().await.expect("sweep"), files.len());
    assert!(world.keys(&folder).await.is_empty(), "its files are gone");

    let rebuilt = view(&client.call(Some(&user), "POST", &format!("{path}/rebuild"), Some(json!({}))).await);
    assert!(!rebuilt.preview_expired);
    let url = rebuilt.preview_url.expect("a fresh link");
    assert_ne!(Some(&url), fresh.preview_url.as_ref());
    let key = url::Url::parse(&url).expect("url").path().trim_start_matches('/').to_owned();
    assert!(world.app.sites.get(&BlobKey::parse(key).expect("key")).await.is_ok(), "the fresh preview is there");
}

/// The store key a photo ticket's presigned URL points at (this test writes it directly, as
/// the browser's PUT would).
fn ticket_key(ticket: &Value) -> BlobKey {
    let url = url::Url::parse(ticket["url"].as_str().expect("url")).expect("a URL");
    let path = url.path().strip_prefix(r2w_core::store::BLOB_ENDPOINT_PREFIX).expect("the blob endpoint");
    let key = path.strip_prefix("uploads/").expect("the uploads store");
    BlobKey::parse(percent_decode(key)).expect("key")
}

fn percent_decode(text: &str) -> String {
    url::form_urlencoded::parse(format!("k={text}").as_bytes()).next().map(|(_, v)| v.into_owned()).unwrap_or_default()
}

#[tokio::test]
async fn a_photo_is_uploaded_re_encoded_shown_and_removed() {
    use image::ImageFormat;
    let world = World::new().await;
    let (user, stranger) = (UserId::random(), UserId::random());
    let built = world.task().run(world.extracted(&user, "Dana Levi").await).await.expect("built");
    let client = Client::new(&world).await;
    let path = format!("/v1/portfolios/{}", built.portfolio_id);
    let ask = |content_type: &str, size: u64| json!({ "content_type": content_type, "size": size });

    let refused = client.call(Some(&user), "POST", &format!("{path}/photo/upload"), Some(ask("image/gif", 10))).await;
    assert_eq!(refused.status(), 415);
    let huge =
        client.call(Some(&user), "POST", &format!("{path}/photo/upload"), Some(ask("image/png", 11 << 20))).await;
    assert_eq!(huge.status(), 413);
    let theirs =
        client.call(Some(&stranger), "POST", &format!("{path}/photo/upload"), Some(ask("image/png", 10))).await;
    assert_eq!(theirs.status(), 404, "someone else's portfolio");
    assert_eq!(client.call(Some(&user), "PUT", &format!("{path}/photo"), None).await.status(), 404, "nothing uploaded");

    let picture = image::RgbImage::from_fn(900, 600, |x, _| image::Rgb([(x % 256) as u8, 90, 160]));
    let mut png = Vec::new();
    picture.write_to(&mut std::io::Cursor::new(&mut png), ImageFormat::Png).expect("png");
    let ticket = client
        .call(Some(&user), "POST", &format!("{path}/photo/upload"), Some(ask("image/png", png.len() as u64)))
        .await;
    assert_eq!(ticket.status(), 201);
    let ticket = json_of(&ticket);
    assert_eq!(ticket["method"], "PUT");
    let key = ticket_key(&ticket);
    assert!(key.as_str().starts_with(&format!("uploads/{user}/photos/")), "kept with the person's uploads: {key}");
    let options = r2w_core::store::PutOptions::new("image/png");
    world.app.uploads.put(&key, bytes::Bytes::from(png), options).await.expect("the browser's PUT");

    let taken = client.call(Some(&user), "PUT", &format!("{path}/photo"), None).await;
    assert_eq!(taken.status(), 200);
    let taken = view(&taken);
    assert!(taken.photo);
    assert!(world.app.uploads.get(&key).await.is_err(), "the upload itself is gone");
    let preview = url::Url::parse(taken.preview_url.as_deref().expect("a preview")).expect("url");
    let folder = preview.path().trim_start_matches('/').trim_end_matches("index.html").to_owned();
    let html = world.page(&format!("{folder}index.html")).await;
    assert!(html.contains("<img class=\"photo\" src=\"photo.jpg\""), "{html}");
    let shown = world.app.sites.get(&BlobKey::parse(format!("{folder}photo.jpg")).expect("key")).await.expect("photo");
    assert_eq!(shown.meta.content_type.as_deref(), Some("image/jpeg"));
    let decoded = image::load_from_memory_with_format(&shown.body, ImageFormat::Jpeg).expect("a JPEG");
    assert_eq!((decoded.width(), decoded.height()), (r2w_sites::photo::PHOTO_SIDE, r2w_sites::photo::PHOTO_SIDE));
    for (theme, url) in &taken.theme_previews {
        let key = url::Url::parse(url).expect("url").path().trim_start_matches('/').replace("index.html", "photo.jpg");
        assert!(world.app.sites.get(&BlobKey::parse(key).expect("key")).await.is_ok(), "{theme} shows it too");
    }

    // Not a picture: refused, the upload removed, the photo already there kept.
    let ticket = client.call(Some(&user), "POST", &format!("{path}/photo/upload"), Some(ask("image/png", 8))).await;
    let key = ticket_key(&json_of(&ticket));
    let options = r2w_core::store::PutOptions::new("image/png");
    world.app.uploads.put(&key, bytes::Bytes::from_static(b"not a png"), options).await.expect("put");
    let bad = client.call(Some(&user), "PUT", &format!("{path}/photo"), None).await;
    assert_eq!(bad.status(), 422);
    assert!(world.app.uploads.get(&key).await.is_err());
    assert!(view(&client.call(Some(&user), "GET", &path, None).await).photo, "the earlier photo stays");

    let removed = client.call(Some(&user), "DELETE", &format!("{path}/photo"), None).await;
    assert_eq!(removed.status(), 200);
    let removed = view(&removed);
    assert!(!removed.photo);
    let preview = url::Url::parse(removed.preview_url.as_deref().expect("a preview")).expect("url");
    let folder = preview.path().trim_start_matches('/').trim_end_matches("index.html").to_owned();
    assert!(!world.page(&format!("{folder}index.html")).await.contains("class=\"photo\""));
    assert!(world.app.uploads.list(&format!("uploads/{user}/photos/")).await.expect("list").is_empty());
}

#[tokio::test]
async fn strangers_and_bad_requests_get_clear_errors() {
    let world = World::new().await;
    let (owner, stranger) = (UserId::random(), UserId::random());
    let built = world.task().run(world.extracted(&owner, "Dana Levi").await).await.expect("built");
    let other = world.task().run(world.extracted(&stranger, "Sam Cohen").await).await.expect("built");
    let client = Client::new(&world).await;
    let path = format!("/v1/portfolios/{}", built.portfolio_id);

    let anonymous = client.call(None, "GET", "/v1/portfolios", None).await;
    assert_eq!(anonymous.status(), 401);
    assert_eq!(anonymous.headers().get("content-type").and_then(|v| v.to_str().ok()), Some("application/problem+json"));
    for (method, body) in [("GET", None), ("DELETE", None), ("PATCH", Some(json!({ "slug": "mine-now" })))] {
        let response = client.call(Some(&stranger), method, &path, body).await;
        assert_eq!(response.status(), 404, "{method} on someone else's portfolio");
    }
    assert_eq!(client.call(Some(&owner), "GET", &path, None).await.status(), 200, "still there");
    let listed = json_of(&client.call(Some(&stranger), "GET", "/v1/portfolios", None).await);
    assert_eq!(listed["items"][0]["id"], other.portfolio_id.as_str(), "only their own");
    assert_eq!(listed["items"].as_array().map(Vec::len), Some(1));

    let invalid = client.call(Some(&owner), "PATCH", &path, Some(json!({ "slug": "Not A Slug" }))).await;
    assert_eq!(invalid.status(), 422);
    let reserved = client.call(Some(&owner), "PATCH", &path, Some(json!({ "slug": "admin" }))).await;
    assert_eq!(reserved.status(), 422);
    let theirs = client
        .call(
            Some(&stranger),
            "PATCH",
            &format!("/v1/portfolios/{}", other.portfolio_id),
            Some(json!({ "slug": "taken-one" })),
        )
        .await;
    assert_eq!(theirs.status(), 200);
    let taken = client.call(Some(&owner), "PATCH", &path, Some(json!({ "slug": "taken-one" }))).await;
    assert_eq!(taken.status(), 409);
    let theme = client.call(Some(&owner), "POST", &format!("{path}/rebuild"), Some(json!({ "theme": "neon" }))).await;
    assert_eq!(theme.status(), 422);
    let garbage = client.call(Some(&owner), "PATCH", &path, Some(json!({ "slug": 7, "extra": true }))).await;
    assert_eq!(garbage.status(), 400);
    let huge = client.call(Some(&owner), "PATCH", &path, Some(json!({ "slug": "x".repeat(20_000) }))).await;
    assert_eq!(huge.status(), 413);
    assert_eq!(client.call(Some(&owner), "GET", "/v1/nothing", None).await.status(), 404);
    let forged = {
        let mut builder = HttpRequest::builder().method("GET").uri("https://api.example/v1/portfolios");
        builder = builder.header("authorization", "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.");
        client.api.handle(builder.body(Body::Empty).expect("request")).await
    };
    assert_eq!(forged.status(), 401, "an unsigned token is refused");
}

#[tokio::test]
async fn an_address_is_checked_as_it_is_typed_with_the_reason_it_is_refused() {
    let world = World::new().await;
    let (owner, stranger) = (UserId::random(), UserId::random());
    let mine = world.task().run(world.extracted(&owner, "Dana Levi").await).await.expect("built");
    let theirs = world.task().run(world.extracted(&stranger, "Sam Cohen").await).await.expect("built");
    let client = Client::new(&world).await;
    let mine_path = format!("/v1/portfolios/{}", mine.portfolio_id);
    let chosen = client.call(Some(&owner), "PATCH", &mine_path, Some(json!({ "slug": "dana-levi" }))).await;
    assert_eq!(chosen.status(), 200);
    let ask = |user: &UserId, slug: &str, portfolio: Option<&str>| {
        let query = portfolio.map(|p| format!("?portfolio={p}")).unwrap_or_default();
        let path = format!("/v1/addresses/{slug}{query}");
        let user = user.clone();
        let client = &client;
        async move {
            let response = client.call(Some(&user), "GET", &path, None).await;
            assert_eq!(response.status(), 200, "{path}");
            json_of(&response)
        }
    };

    let own = ask(&owner, "dana-levi", Some(mine.portfolio_id.as_str())).await;
    assert_eq!(own["available"], true, "a portfolio's own address is free for it: {own}");
    assert!(own["publicUrl"].as_str().is_some_and(|u| u.ends_with("/dana-levi/")), "{own}");
    let elsewhere = ask(&owner, "dana-levi", None).await;
    assert_eq!(elsewhere["reason"], "dana-levi is the address of another of your portfolios");
    let taken = ask(&stranger, "dana-levi", Some(theirs.portfolio_id.as_str())).await;
    assert_eq!(
        (taken["available"].as_bool(), taken["reason"].as_str()),
        (Some(false), Some("dana-levi is taken; choose another"))
    );
    let reserved = ask(&stranger, "admin", None).await;
    assert!(reserved["reason"].as_str().is_some_and(|r| r.contains("reserved")), "{reserved}");
    let malformed = ask(&stranger, "a", None).await;
    assert_eq!(malformed["available"], false);
    assert!(malformed["reason"].as_str().is_some_and(|r| !r.is_empty()) && malformed.get("publicUrl").is_none());
    let free = ask(&stranger, "sam-cohen", Some(theirs.portfolio_id.as_str())).await;
    assert_eq!(free["available"], true);
    assert!(free.get("reason").is_none());

    assert_eq!(client.call(None, "GET", "/v1/addresses/sam-cohen", None).await.status(), 401);
    assert_eq!(client.call(Some(&owner), "POST", "/v1/addresses/sam-cohen", None).await.status(), 400);
}

#[tokio::test]
async fn a_portfolio_says_whom_it_is_about_and_how_its_last_payment_ended() {
    use r2w_core::records::orders::{self, OrderRecord, OrderStatus};

    let world = World::new().await;
    let user = UserId::random();
    let built = world.task().run(world.extracted(&user, "Dana Levi").await).await.expect("built");
    let client = Client::new(&world).await;
    let path = format!("/v1/portfolios/{}", built.portfolio_id);
    let table = world.app.table.as_ref();

    let fresh = view(&client.call(Some(&user), "GET", &path, None).await);
    assert_eq!((fresh.name.as_deref(), fresh.payment), (Some("Dana Levi"), None));

    let now = time::OffsetDateTime::now_utc();
    let order = OrderRecord::open(user.clone(), built.portfolio_id.clone(), "one_time", "payment", now);
    orders::create(table, &order).await.expect("order");
    let open = view(&client.call(Some(&user), "GET", &path, None).await);
    assert_eq!(open.payment, None, "a checkout still open says nothing yet");

    orders::update(table, &order.id, now, |o| o.payment_failed_at = Some(now)).await.expect("failed");
    let failed = view(&client.call(Some(&user), "GET", &path, None).await);
    assert_eq!(failed.payment, Some(OrderStatus::PaymentFailed));
    let listed = json_of(&client.call(Some(&user), "GET", "/v1/portfolios", None).await);
    assert_eq!(listed["items"][0]["payment"], "payment_failed");
}
