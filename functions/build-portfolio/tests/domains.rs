//! A person's own domain in front of their site, through the portfolios API, against a local
//! CloudFront speaking the SaaS Manager API (r2w_tests::cloudfront): added (pending, with the
//! record to create), active once the certificate is issued, moved with the site's address,
//! taken off, and gone with an unpublished site or a deleted account.

use std::sync::Arc;

use crate::support::{Client, World, json_of};
use aws_sdk_cloudfront::config::{BehaviorVersion, Credentials, Region};
use r2w_aws::CloudFrontDomains;
use r2w_core::config::CloudFrontTenancy;
use r2w_core::domains::HostName;
use r2w_core::model::{PortfolioId, UserId};
use r2w_core::records::portfolios;
use r2w_core::{App, Config};
use r2w_tests::cloudfront::CloudFrontStandIn;
use serde_json::{Value, json};

const ENDPOINT: &str = "d111111abcdef8.cloudfront.net";

/// The world's app with custom domains on the stand-in, sites under `sites.example`.
async fn on_cloudfront(world: &World) -> (App, CloudFrontStandIn) {
    let stand_in = CloudFrontStandIn::start("EMULTITENANT1").await;
    let client = aws_sdk_cloudfront::Client::from_conf(
        aws_sdk_cloudfront::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .http_client(r2w_aws::https_client())
            .region(Region::new("us-east-1"))
            .endpoint_url(&stand_in.endpoint)
            .credentials_provider(Credentials::new("testing", "testing", None, None, "tests"))
            .build(),
    );
    let tenancy = CloudFrontTenancy {
        distribution_id: stand_in.distribution_id.clone(),
        connection_group_id: "cg_sites".into(),
        routing_endpoint: ENDPOINT.into(),
    };
    let config = Config {
        sites_url: url::Url::parse("https://d222222abcdef8.cloudfront.net/").expect("url"),
        sites_domain: Some("sites.example".into()),
        ..(*world.app.config).clone()
    };
    let app = App {
        config: Arc::new(config),
        domains: Arc::new(CloudFrontDomains::new(client, tenancy)),
        ..world.app.clone()
    };
    (app, stand_in)
}

async fn published(world: &World, app: &App, user: &UserId, name: &str) -> PortfolioId {
    let built = world.task().run(world.extracted(user, name).await).await.expect("built");
    let sites = r2w_sites::sites::Sites::new(app.clone(), world.clock.clone());
    sites.publish(user, &built.portfolio_id, None).await.expect("published");
    built.portfolio_id
}

async fn client(world: &World, app: &App) -> Client {
    Client::on(app.clone(), world.clock.clone()).await
}

fn canonical(html: &str) -> Option<String> {
    let start = html.find(r#"<link rel="canonical" href=""#)? + r#"<link rel="canonical" href=""#.len();
    Some(html[start..].split('"').next()?.to_owned())
}

#[tokio::test]
async fn a_custom_domain_is_pending_then_active_follows_the_site_and_is_taken_off() {
    let world = World::new().await;
    let (app, cloudfront) = on_cloudfront(&world).await;
    let dana = UserId::random();
    let portfolio = published(&world, &app, &dana, "Dana Levi").await;
    let client = client(&world, &app).await;
    let domain_path = format!("/v1/portfolios/{portfolio}/domain");

    // Added: pending, with the one record to create.
    let added = client.call(Some(&dana), "PUT", &domain_path, Some(json!({ "domain": " WWW.Dana.Example. " }))).await;
    assert_eq!(added.status(), 200, "{}", json_of(&added));
    let added = json_of(&added);
    assert_eq!(added["customDomain"]["domain"], "www.dana.example");
    assert_eq!(added["customDomain"]["state"], "pending");
    assert_eq!(
        added["customDomain"]["records"],
        json!([{ "type": "CNAME", "name": "www.dana.example", "value": ENDPOINT }])
    );
    assert_eq!(added["publicUrl"], "https://dana-levi.sites.example/", "not at the domain before it works");
    let tenants = cloudfront.tenants();
    assert_eq!(tenants.len(), 1);
    let tenant = &tenants[0];
    assert_eq!((tenant.name.as_str(), tenant.domain.as_str()), ("www.dana.example", "www.dana.example"));
    assert_eq!(tenant.parameters.get("slug").map(String::as_str), Some("dana-levi"));
    assert_eq!(
        (tenant.connection_group_id.as_str(), tenant.validation_token_host.as_str()),
        ("cg_sites", "cloudfront")
    );
    assert!(tenant.enabled);

    // Polled: still pending until DNS and the certificate are there, then active.
    let polled = json_of(&client.call(Some(&dana), "GET", &domain_path, None).await);
    assert_eq!(polled["customDomain"]["state"], "pending");
    cloudfront.validate("www.dana.example");
    let active = json_of(&client.call(Some(&dana), "GET", &domain_path, None).await);
    assert_eq!(active["customDomain"]["state"], "active");
    assert_eq!(active["publicUrl"], "https://www.dana.example/");
    let page = world.page("sites/dana-levi/index.html").await;
    assert_eq!(canonical(&page).as_deref(), Some("https://www.dana.example/"), "the site's links are at its domain");
    let sitemap = world.page("sites/dana-levi/sitemap.xml").await;
    assert!(sitemap.contains("<loc>https://www.dana.example/</loc>"), "{sitemap}");

    // The site moves: the domain shows it at its new folder.
    let moved = client
        .call(Some(&dana), "PATCH", &format!("/v1/portfolios/{portfolio}"), Some(json!({ "slug": "dana-builds" })))
        .await;
    assert_eq!(moved.status(), 200);
    assert_eq!(cloudfront.tenants()[0].parameters.get("slug").map(String::as_str), Some("dana-builds"));
    let page = world.page("sites/dana-builds/index.html").await;
    assert_eq!(canonical(&page).as_deref(), Some("https://www.dana.example/"));

    // Someone else cannot have it; nor can anyone have the service's own names.
    let mallory = UserId::random();
    let theirs = published(&world, &app, &mallory, "Mallory Example").await;
    let their_path = format!("/v1/portfolios/{theirs}/domain");
    let taken = client.call(Some(&mallory), "PUT", &their_path, Some(json!({ "domain": "www.dana.example" }))).await;
    assert_eq!(taken.status(), 409);
    for own in ["dana-levi.sites.example", "sites.example", "127.0.0.1", "localhost", "not a domain"] {
        let refused = client.call(Some(&mallory), "PUT", &their_path, Some(json!({ "domain": own }))).await;
        assert_eq!(refused.status(), 422, "{own}");
    }
    let strangers = client.call(Some(&mallory), "DELETE", &domain_path, None).await;
    assert_eq!(strangers.status(), 404, "someone else's portfolio");
    assert_eq!(cloudfront.tenants().len(), 1);

    // Taken off: the tenant is disabled, then deleted; the site's links are its own again.
    let removed = client.call(Some(&dana), "DELETE", &domain_path, None).await;
    assert_eq!(removed.status(), 200);
    assert!(json_of(&removed).get("customDomain").is_none());
    assert!(cloudfront.tenants().is_empty());
    let calls = cloudfront.calls();
    let tail: Vec<&str> = calls.iter().rev().take(2).map(String::as_str).rev().collect();
    assert!(tail[0].starts_with("PUT /2020-05-31/distribution-tenant/") && tail[1].starts_with("DELETE "), "{calls:?}");
    let page = world.page("sites/dana-builds/index.html").await;
    assert_eq!(canonical(&page).as_deref(), Some("https://dana-builds.sites.example/"));
    assert_eq!(client.call(Some(&dana), "GET", &domain_path, None).await.status(), 404, "no domain to check");

    // Free again for the next site.
    let now_theirs =
        client.call(Some(&mallory), "PUT", &their_path, Some(json!({ "domain": "www.dana.example" }))).await;
    assert_eq!(now_theirs.status(), 200);
    assert_eq!(cloudfront.tenants()[0].parameters.get("slug").map(String::as_str), Some("mallory-example"));
}

#[tokio::test]
async fn a_domain_needs_a_published_site_and_can_fail_validation() {
    let world = World::new().await;
    let (app, cloudfront) = on_cloudfront(&world).await;
    let ada = UserId::random();
    let built = world.task().run(world.extracted(&ada, "Ada Lovelace").await).await.expect("built");
    let client = client(&world, &app).await;
    let path = format!("/v1/portfolios/{}/domain", built.portfolio_id);
    let unpublished = client.call(Some(&ada), "PUT", &path, Some(json!({ "domain": "ada.example" }))).await;
    assert_eq!(unpublished.status(), 409);
    assert!(cloudfront.tenants().is_empty());

    let sites = r2w_sites::sites::Sites::new(app.clone(), world.clock.clone());
    sites.publish(&ada, &built.portfolio_id, None).await.expect("published");
    assert_eq!(client.call(Some(&ada), "PUT", &path, Some(json!({ "domain": "ada.example" }))).await.status(), 200);
    cloudfront.time_out("ada.example");
    let failed: Value = json_of(&client.call(Some(&ada), "GET", &path, None).await);
    assert_eq!(failed["customDomain"]["state"], "failed");
    assert_eq!(failed["publicUrl"], "https://ada-lovelace.sites.example/");
}

#[tokio::test]
async fn unpublishing_or_deleting_the_account_takes_the_domain_off() {
    let world = World::new().await;
    let (app, cloudfront) = on_cloudfront(&world).await;
    let sites = r2w_sites::sites::Sites::new(app.clone(), world.clock.clone());
    let ada = UserId::random();
    let portfolio = published(&world, &app, &ada, "Ada Lovelace").await;
    let host = HostName::parse("ada.example").expect("host");
    sites.add_domain(&ada, &portfolio, host.clone()).await.expect("added");
    assert_eq!(cloudfront.tenants().len(), 1);
    sites.unpublish(&ada, &portfolio).await.expect("unpublished");
    assert!(cloudfront.tenants().is_empty(), "no tenant for a site that is not public");
    assert_eq!(portfolios::domain_holder(app.table.as_ref(), &host).await.expect("read"), None);

    sites.publish(&ada, &portfolio, None).await.expect("published again");
    sites.add_domain(&ada, &portfolio, host.clone()).await.expect("added again");
    cloudfront.validate("ada.example");
    sites.check_domain(&ada, &portfolio).await.expect("checked");
    r2w_core::account::delete_everything(&app, &ada).await.expect("account deleted");
    assert!(cloudfront.tenants().is_empty(), "the account's domain is no longer served");
    assert_eq!(portfolios::domain_holder(app.table.as_ref(), &host).await.expect("read"), None);
    assert!(r2w_core::account::remaining_items(app.table.as_ref(), &ada).await.expect("items").is_empty());
}
