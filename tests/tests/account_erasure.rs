//! Erasing an account: everything the person owns goes, in the table and both stores, and
//! nobody else's data is touched (`r2w_core::account`, on the embedded adapters).

use bytes::Bytes;
use time::OffsetDateTime;

use r2w_core::account::{Erased, delete_everything, remaining_items};
use r2w_core::model::{CvData, CvId, Email, Job, JobId, PortfolioId, Slug, UserId};
use r2w_core::records::portfolios::{self, PortfolioRecord, PreviewSite, PublishedSite, SlugClaim};
use r2w_core::records::{cvs, jobs, owner_index, users};
use r2w_core::secrets::EnvSecrets;
use r2w_core::store::{BlobKey, Blobs, Expect, Item, ItemKey, PutOptions};
use r2w_core::{App, Config};

async fn put(blobs: &dyn Blobs, key: &str) {
    let key = BlobKey::parse(key).expect("key");
    blobs.put(&key, Bytes::from_static(b"x"), PutOptions::new("text/plain")).await.expect("put");
}

/// A user with one of everything; returns the user and the slug their site is published at.
async fn someone_with_everything(app: &App, email: &str) -> (UserId, Slug) {
    let table = app.table.as_ref();
    let now = OffsetDateTime::now_utc();
    let user = UserId::random();
    let profile = users::UserRecord {
        identities: vec![users::Identity { provider: "github".into(), subject: format!("gh-{user}") }],
        ..users::UserRecord::new(user.clone(), Email::parse(email).expect("email"), "Ada", now)
    };
    assert!(users::create(table, &profile).await.expect("user"));

    let upload = format!("uploads/{user}/u1/original");
    put(app.uploads.as_ref(), &upload).await;
    put(app.uploads.as_ref(), &format!("uploads/{user}/u2/original")).await;
    let job = JobId::random();
    jobs::create(table, &Job::queued(job.clone(), user.clone(), upload, now)).await.expect("job");

    let cv = CvId::random();
    let record = cvs::CvRecord {
        id: cv.clone(),
        user_id: user.clone(),
        version: 1,
        job_id: Some(job),
        cv: CvData::default(),
        created_at: now,
        updated_at: now,
    };
    cvs::create(table, record).await.expect("cv");

    let portfolio = PortfolioId::random();
    let slug = Slug::parse(format!("ada-{}", &user.as_str()[..8])).expect("slug");
    let claim = SlugClaim { portfolio_id: portfolio.clone(), user_id: user.clone() };
    assert!(portfolios::claim_slug(table, &slug, &claim).await.expect("claim"));
    let preview = format!("previews/{portfolio}/token");
    put(app.sites.as_ref(), &format!("{preview}/index.html")).await;
    put(app.sites.as_ref(), &format!("sites/{slug}/index.html")).await;
    portfolios::upsert(table, &user, &portfolio, |_| PortfolioRecord {
        id: portfolio.clone(),
        user_id: user.clone(),
        cv_id: cv.clone(),
        cv_version: 1,
        theme: "classic".into(),
        preview: Some(PreviewSite { prefix: preview.clone(), built_at: now, expires_at: now, samples: vec![] }),
        published: Some(PublishedSite { slug: slug.clone(), published_at: now }),
        slug: Some(slug.clone()),
        name: None,
        photo: false,
        custom_domain: None,
        created_at: now,
        updated_at: now,
    })
    .await
    .expect("portfolio");

    let token = Item::new(ItemKey::new(format!("REFRESH#{user}"), "REFRESH")).in_index(owner_index(&user, "REFRESH"));
    table.put(token, Expect::Absent).await.expect("owned item");
    (user, slug)
}

#[tokio::test]
async fn deleting_an_account_leaves_nothing_behind_and_touches_no_one_else() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app =
        r2w_embedded::app(Config::embedded(dir.path()), dir.path(), EnvSecrets::from_vars([])).await.expect("app");
    let (ada, ada_slug) = someone_with_everything(&app, "ada@example.com").await;
    let (grace, grace_slug) = someone_with_everything(&app, "grace@example.com").await;
    let before = remaining_items(app.table.as_ref(), &grace).await.expect("items");

    let erased = delete_everything(&app, &ada).await.expect("deleted");
    // job, CV head and version, portfolio; e-mail, identity, refresh token. Objects: two uploads,
    // the preview and the public site (the slug claim and profile go too, uncounted).
    assert_eq!(erased, Erased { items: 7, objects: 4 });
    assert_eq!(remaining_items(app.table.as_ref(), &ada).await.expect("items"), vec![]);
    assert!(users::load(app.table.as_ref(), &ada).await.expect("load").is_none());
    let email = Email::parse("ada@example.com").expect("email");
    assert!(users::by_email(app.table.as_ref(), &email).await.expect("lookup").is_none(), "the address is free");
    assert!(portfolios::slug_holder(app.table.as_ref(), &ada_slug).await.expect("slug").is_none());
    assert!(app.uploads.list(&format!("uploads/{ada}/")).await.expect("list").is_empty());
    assert!(app.sites.list(&format!("sites/{ada_slug}/")).await.expect("list").is_empty());
    assert_eq!(app.sites.list("previews/").await.expect("list").len(), 1, "only grace's preview");

    assert_eq!(remaining_items(app.table.as_ref(), &grace).await.expect("items"), before);
    assert!(portfolios::slug_holder(app.table.as_ref(), &grace_slug).await.expect("slug").is_some());
    assert_eq!(app.uploads.list(&format!("uploads/{grace}/")).await.expect("list").len(), 2);

    let again = delete_everything(&app, &ada).await.expect("deleting twice is harmless");
    assert_eq!(again, Erased::default());
}
