//! The embedded default as the functions will share it: several handlers (processes, under
//! `cargo lambda watch`) opening one data folder, and data that outlives a restart.

use std::sync::Arc;

use bytes::Bytes;
use r2w_core::model::{CvData, json_resume};
use r2w_core::secrets::EnvSecrets;
use r2w_core::store::{BlobKey, Expect, IndexKey, Item, ItemKey, PutOptions, Query, TransactOp};
use r2w_core::{App, Config};

async fn start(dir: &std::path::Path) -> App {
    r2w_embedded::app(Config::embedded(dir), dir, EnvSecrets::from_vars([])).await.expect("embedded app starts")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cv_and_its_original_survive_a_restart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let original = Bytes::from_static(b"%PDF-1.7 pretend original");
    let resume = serde_json::json!({"basics": {"name": "Dana Levi", "label": "Engineer"}, "work": [{"name": "Acme", "startDate": "2020-01"}]});
    let cv = json_resume::import(&resume).expect("import");
    {
        let app = start(dir.path()).await;
        let key = BlobKey::parse("uploads/user-1/up-1/cv.pdf").expect("key");
        app.uploads
            .put(&key, original.clone(), PutOptions::new("application/pdf").meta("owner", "user-1"))
            .await
            .expect("store original");
        let item = Item::with_data(ItemKey::new("USER#user-1", "CV#cv-1"), &cv)
            .expect("item")
            .in_index(IndexKey::new("CV#cv-1", "META"));
        app.table.put(item, Expect::Absent).await.expect("store cv");
    }
    let app = start(dir.path()).await;
    let blob =
        app.uploads.get(&BlobKey::parse("uploads/user-1/up-1/cv.pdf").expect("key")).await.expect("original kept");
    assert_eq!(blob.body, original);
    let page = app.table.query(Query::gsi1("CV#cv-1", "")).await.expect("query");
    let stored: CvData = page.items[0].data_as().expect("cv data");
    assert_eq!(stored, cv);
    assert!(stored.experience[0].dates.is_current, "JSON Resume's open end means current");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn handlers_sharing_one_data_folder_never_both_win_a_claim() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Two independent apps on one folder: two SQLite connections, as two processes would have.
    let (a, b) = (Arc::new(start(dir.path()).await), Arc::new(start(dir.path()).await));
    let mut tasks = Vec::new();
    for i in 0..20 {
        let app = if i % 2 == 0 { Arc::clone(&a) } else { Arc::clone(&b) };
        tasks.push(tokio::spawn(async move {
            let ops = vec![
                TransactOp::Put(Item::new(ItemKey::new(format!("USER#{i}"), "PROFILE")), Expect::Absent),
                TransactOp::Put(Item::new(ItemKey::new("EMAIL#same@example.com", "CLAIM")), Expect::Absent),
            ];
            app.table.transact(ops).await
        }));
    }
    let mut winners = 0;
    for task in tasks {
        match task.await.expect("task") {
            Ok(()) => winners += 1,
            Err(e) => assert!(e.is_condition_failed(), "{e:?}"),
        }
    }
    assert_eq!(winners, 1);
    let users = a.table.query(Query::partition("EMAIL#same@example.com", "")).await.expect("query");
    assert_eq!(users.items.len(), 1);
}

#[test]
fn separate_processes_sharing_the_sqlite_file_never_both_win_a_claim() {
    let dir = tempfile::tempdir().expect("tempdir");
    const PROCESSES: usize = 4;
    const KEYS: usize = 40;
    let children: Vec<_> = (0..PROCESSES)
        .map(|p| {
            std::process::Command::new(env!("CARGO_BIN_EXE_r2w-claim-probe"))
                .arg(dir.path())
                .arg(p.to_string())
                .arg(KEYS.to_string())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("start probe")
        })
        .collect();
    let mut winners = vec![0; KEYS];
    for child in children {
        let out = child.wait_with_output().expect("probe finishes");
        assert!(out.status.success(), "probe failed: {}", String::from_utf8_lossy(&out.stderr));
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            if let Some(k) = line.strip_prefix("won ") {
                winners[k.parse::<usize>().expect("key number")] += 1;
            }
        }
    }
    assert!(winners.iter().all(|&w| w == 1), "each key has exactly one winner across processes: {winners:?}");
}
