//! The BuildPortfolio step and publishing, on the embedded default: what lands in the sites
//! store, what the records say, and what a visitor could see at each moment.

use crate::support::World;
use r2w_build_portfolio::task::TaskInput;
use r2w_core::Error;
use r2w_core::clock::Clock;
use r2w_core::model::{CvId, JobStatus, PortfolioId, Slug, Step, StepStatus, UserId};
use r2w_core::records::{jobs, portfolios};
use r2w_core::store::BlobKey;
use r2w_sites::Theme;

#[tokio::test]
async fn the_step_writes_a_private_preview_and_finishes_the_job() {
    let world = World::new().await;
    let user = UserId::random();
    let input = world.extracted(&user, "Dana Levi").await;
    let output = world.task().run(input.clone()).await.expect("built");

    assert_eq!(output.portfolio_id.as_str(), input.cv_id.as_str());
    let prefix = format!("previews/{}/", output.portfolio_id);
    let url = url::Url::parse(&output.preview_url).expect("url");
    assert!(url.path().starts_with(&format!("/{prefix}")) && url.path().ends_with("/index.html"), "{url}");
    let folder = url.path().trim_start_matches(&format!("/{prefix}")).split('/').next().unwrap_or_default();
    let (expiry, token) = folder.split_once('-').expect("{expiry}-{token}");
    assert_eq!(token.len(), 32, "128 random bits");
    assert_eq!(expiry.parse::<i64>().ok(), Some(world.clock.now().unix_timestamp() + 24 * 3600), "expires in 24 h");

    let keys = world.keys(&prefix).await;
    let (samples, own): (Vec<_>, Vec<_>) = keys.iter().partition(|k| k.contains("/themes/"));
    // index, 404, stylesheet, JSON Resume, vCard, robots, two favicons (a preview has no
    // address to share, so no social card).
    assert_eq!(own.len(), 8, "{keys:?}");
    assert_eq!(samples.len(), 16, "the two other themes, eight files each: {keys:?}");
    let index = world
        .app
        .sites
        .head(&BlobKey::parse(format!("{prefix}{folder}/index.html")).expect("key"))
        .await
        .expect("index");
    assert_eq!(index.content_type.as_deref(), Some("text/html; charset=utf-8"));
    assert_eq!(index.cache_control.as_deref(), Some("private, no-cache"));
    let html = world.page(&format!("{prefix}{folder}/index.html")).await;
    assert!(html.contains("noindex, nofollow") && html.contains("http-equiv=\"Content-Security-Policy\""));

    let job = jobs::load(world.app.table.as_ref(), &user, &input.job_id).await.expect("read").expect("job");
    assert_eq!(job.status, JobStatus::Succeeded);
    assert_eq!(job.portfolio_id.as_ref(), Some(&output.portfolio_id));
    assert_eq!(job.step(Step::BuildPortfolio).map(|s| s.status), Some(StepStatus::Succeeded));
    let record =
        portfolios::load(world.app.table.as_ref(), &user, &output.portfolio_id).await.expect("read").expect("record");
    let preview = record.preview.expect("preview");
    assert_eq!(preview.expires_at - preview.built_at, time::Duration::hours(24));
    assert_eq!(preview.samples, ["modern", "minimal"], "drawn in the themes not chosen");
    assert!(record.published.is_none());
}

#[tokio::test]
async fn a_rebuild_switches_to_a_new_folder_and_revokes_the_old_link() {
    let world = World::new().await;
    let user = UserId::random();
    let input = world.extracted(&user, "Dana Levi").await;
    let first = world.task().run(input.clone()).await.expect("first");
    let second = world.task().run(TaskInput { theme: Some("minimal".into()), ..input }).await.expect("rebuild");
    assert_ne!(first.preview_url, second.preview_url);
    let keys = world.keys(&format!("previews/{}/", second.portfolio_id)).await;
    let tokens: std::collections::BTreeSet<&str> = keys.iter().filter_map(|k| k.split('/').nth(2)).collect();
    assert_eq!(tokens.len(), 1, "only the new build remains: {keys:?}");
    let path = url::Url::parse(&second.preview_url).expect("url").path().trim_start_matches('/').to_owned();
    assert!(world.page(&path).await.contains("class=\"theme-minimal\""));
}

#[tokio::test]
async fn bad_requests_fail_the_step_with_stable_names() {
    let world = World::new().await;
    let user = UserId::random();
    let input = world.extracted(&user, "Dana Levi").await;
    let err = world.task().run(TaskInput { theme: Some("neon".into()), ..input.clone() }).await.expect_err("theme");
    assert_eq!(err.task_error("BuildPortfolio").error_type, "BuildPortfolio.Validation");
    let job = jobs::load(world.app.table.as_ref(), &user, &input.job_id).await.expect("read").expect("job");
    assert_eq!(job.status, JobStatus::Failed);

    let stranger = TaskInput { user_id: UserId::random(), ..input.clone() };
    let err = world.task().run(stranger).await.expect_err("not theirs");
    assert_eq!(err.task_error("BuildPortfolio").error_type, "BuildPortfolio.NotFound");
    let other_cv = TaskInput { cv_id: CvId::random(), ..input };
    assert!(matches!(world.task().run(other_cv).await, Err(Error::NotFound(_))));
}

#[tokio::test]
async fn publishing_claims_an_address_and_unpublishing_frees_it() {
    let world = World::new().await;
    let (dana, namesake) = (UserId::random(), UserId::random());
    let first = world.task().run(world.extracted(&dana, "Dana Lévi").await).await.expect("built");
    let second = world.task().run(world.extracted(&namesake, "Dana Levi").await).await.expect("built");
    let sites = world.sites();

    let published = sites.publish(&dana, &first.portfolio_id, None).await.expect("publish");
    let slug = published.published.as_ref().map(|p| p.slug.to_string());
    assert_eq!(slug.as_deref(), Some("dana-levi"), "made from the name");
    let html = world.page("sites/dana-levi/index.html").await;
    assert!(html.contains("<link rel=\"canonical\" href=\"http://127.0.0.1:8080/dana-levi/\">"));
    assert!(html.contains("index, follow"));
    assert!(world.keys("sites/dana-levi/").await.contains(&"sites/dana-levi/sitemap.xml".to_owned()));

    let other = sites.publish(&namesake, &second.portfolio_id, None).await.expect("publish");
    assert_eq!(other.published.map(|p| p.slug.to_string()).as_deref(), Some("dana-levi-2"), "the name is taken");
    let taken = sites.publish(&namesake, &second.portfolio_id, Some(slug_of("dana-levi"))).await;
    assert!(matches!(taken, Err(Error::Conflict(_))), "{taken:?}");

    let moved = sites.publish(&dana, &first.portfolio_id, Some(slug_of("dana-builds"))).await.expect("move");
    assert_eq!(moved.published.map(|p| p.slug.to_string()).as_deref(), Some("dana-builds"));
    assert!(world.keys("sites/dana-levi/").await.is_empty(), "the old address is emptied");
    sites.publish(&namesake, &second.portfolio_id, Some(slug_of("dana-levi"))).await.expect("now free");

    sites.unpublish(&dana, &first.portfolio_id).await.expect("unpublish");
    assert!(world.keys("sites/dana-builds/").await.is_empty());
    let holder = portfolios::slug_holder(world.app.table.as_ref(), &slug_of("dana-builds")).await.expect("read");
    assert_eq!(holder, None, "released");
    let record =
        portfolios::load(world.app.table.as_ref(), &dana, &first.portfolio_id).await.expect("read").expect("r");
    assert!(record.published.is_none() && record.preview.is_some(), "the preview stays");

    let missing = sites.publish(&dana, &PortfolioId::random(), None).await;
    assert!(matches!(missing, Err(Error::NotFound(_))));
    let theirs = sites.publish(&namesake, &first.portfolio_id, None).await;
    assert!(matches!(theirs, Err(Error::NotFound(_))), "someone else's portfolio is not found");
}

#[tokio::test]
async fn a_theme_change_reaches_the_live_site_and_leaves_no_stale_files() {
    let world = World::new().await;
    let user = UserId::random();
    let input = world.extracted(&user, "Dana Levi").await;
    let built = world.task().run(input.clone()).await.expect("built");
    world.sites().publish(&user, &built.portfolio_id, None).await.expect("publish");
    let before = world.keys("sites/dana-levi/").await;
    assert!(before.iter().any(|k| k.contains("assets/classic.")));

    world.task().run(TaskInput { theme: Some(Theme::Modern.name().into()), ..input }).await.expect("rebuild");
    let after = world.keys("sites/dana-levi/").await;
    assert!(after.iter().any(|k| k.contains("assets/modern.")), "{after:?}");
    assert!(!after.iter().any(|k| k.contains("assets/classic.")), "the old stylesheet is removed: {after:?}");
    assert_eq!(after.len(), before.len());
    assert!(world.page("sites/dana-levi/index.html").await.contains("class=\"theme-modern\""));
}

fn slug_of(text: &str) -> Slug {
    Slug::parse(text).expect("slug")
}
