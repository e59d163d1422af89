//! User records: one account per address in any spelling, moving between addresses, one
//! account per sign-in identity (`r2w_core::records::users`, on the embedded table).

use r2w_core::model::{Email, UserId};
use r2w_core::records::users::{Identity, UserRecord, by_email, by_identity, change_email, create, link_identity};
use r2w_embedded::SqliteTable;
use time::OffsetDateTime;

fn ada(email: &str) -> UserRecord {
    let email = Email::parse(email).expect("email");
    UserRecord::new(UserId::random(), email, "Ada Lovelace", OffsetDateTime::now_utc())
}

#[tokio::test]
async fn an_address_belongs_to_one_account_in_any_spelling() {
    let table = SqliteTable::in_memory().expect("table");
    let first = ada("ada@example.com");
    assert!(create(&table, &first).await.expect("create"));
    assert!(!create(&table, &ada("ADA@Example.com")).await.expect("create"), "same address");
    let found = by_email(&table, &Email::parse("Ada@EXAMPLE.com").expect("email")).await.expect("lookup");
    assert_eq!(found.map(|u| u.id), Some(first.id));
}

#[tokio::test]
async fn an_account_moves_to_a_free_address_and_frees_the_old_one() {
    let table = SqliteTable::in_memory().expect("table");
    let (a, b) = (ada("a@example.com"), ada("b@example.com"));
    assert!(create(&table, &a).await.expect("a") && create(&table, &b).await.expect("b"));
    let taken = Email::parse("B@example.com").expect("email");
    assert_eq!(change_email(&table, &a.id, &taken, |u| u).await.expect("change"), None);
    let new = Email::parse("new@example.com").expect("email");
    let moved = change_email(&table, &a.id, &new, |u| UserRecord { email_verified: true, ..u })
        .await
        .expect("change")
        .expect("moved");
    assert!(moved.email_verified && moved.email == new);
    assert_eq!(by_email(&table, &new).await.expect("lookup").map(|u| u.id), Some(a.id.clone()));
    assert_eq!(by_email(&table, &a.email).await.expect("lookup"), None, "the old address is free");
    assert!(create(&table, &ada("a@example.com")).await.expect("create"), "and can be registered again");
}

#[tokio::test]
async fn an_identity_links_to_one_account() {
    let table = SqliteTable::in_memory().expect("table");
    let (a, b) = (ada("a@example.com"), ada("b@example.com"));
    assert!(create(&table, &a).await.expect("a") && create(&table, &b).await.expect("b"));
    let github = Identity { provider: "github".into(), subject: "42".into() };
    let linked = link_identity(&table, &a.id, &github, |u| UserRecord { email_verified: true, ..u })
        .await
        .expect("link")
        .expect("linked");
    assert!(linked.email_verified && linked.identities == vec![github.clone()]);
    assert_eq!(link_identity(&table, &b.id, &github, |u| u).await.expect("second link"), None);
    assert_eq!(by_identity(&table, &github).await.expect("lookup").map(|u| u.id), Some(a.id));
}
