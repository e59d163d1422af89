//! Test helper: one process claiming keys in a shared embedded table, as each function process
//! does under `cargo lambda watch`. Usage: r2w-claim-probe DATA_DIR PROCESS_ID KEYS
//! Prints one line per key: "won KEY" or "lost KEY".

use std::process::ExitCode;

use r2w_core::store::{Expect, Item, ItemKey, Table, TransactOp};
use r2w_embedded::SqliteTable;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (Some(dir), Some(process), Some(Ok(keys))) = (args.get(1), args.get(2), args.get(3).map(|k| k.parse::<u32>()))
    else {
        eprintln!("usage: r2w-claim-probe DATA_DIR PROCESS_ID KEYS");
        return ExitCode::FAILURE;
    };
    let table = match SqliteTable::open(&std::path::Path::new(dir).join("r2w.sqlite3")) {
        Ok(table) => table,
        Err(e) => {
            eprintln!("open: {e}");
            return ExitCode::FAILURE;
        }
    };
    for k in 0..keys {
        let ops = vec![
            TransactOp::Put(Item::new(ItemKey::new(format!("USER#{process}-{k}"), "PROFILE")), Expect::Absent),
            TransactOp::Put(Item::new(ItemKey::new(format!("EMAIL#{k}"), "CLAIM")), Expect::Absent),
        ];
        match table.transact(ops).await {
            Ok(()) => println!("won {k}"),
            Err(e) if e.is_condition_failed() => println!("lost {k}"),
            Err(e) => {
                eprintln!("claim {k}: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}
