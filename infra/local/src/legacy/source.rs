//! The original app's data as it lies: its SQLite file, opened read-only, and its upload folder.
//!
//! Columns were added over time with `ALTER TABLE`, so their order differs between databases
//! and an old one may lack some: every column is read by name, and a missing one reads as
//! empty.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags, Row};

#[derive(Debug, Clone, PartialEq)]
pub struct LegacyUser {
    pub user_id: String,
    pub email: Option<String>,
    pub password_hash: Option<String>,
    pub name: Option<String>,
    pub created_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LegacyUpload {
    pub upload_id: String,
    pub user_id: String,
    pub job_id: String,
    pub filename: Option<String>,
    pub file_type: Option<String>,
    pub upload_date: Option<String>,
    pub cv_data: Option<String>,
    pub status: Option<String>,
    pub file_hash: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LegacyCacheRow {
    pub file_hash: String,
    pub cv_data: String,
    pub extraction_model: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("the legacy database {path}: {error}")]
    Database { path: String, error: rusqlite::Error },
    #[error("the legacy uploads folder {path}: {error}")]
    Folder { path: String, error: std::io::Error },
}

pub struct LegacyDatabase {
    connection: Connection,
    path: String,
}

impl LegacyDatabase {
    /// Opens `path` read-only: the import never changes the original.
    pub fn open(path: &Path) -> Result<Self, SourceError> {
        let shown = path.display().to_string();
        let connection =
            Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
                .map_err(|error| SourceError::Database { path: shown.clone(), error })?;
        Ok(Self { connection, path: shown })
    }

    fn error(&self, error: rusqlite::Error) -> SourceError {
        SourceError::Database { path: self.path.clone(), error }
    }

    /// Rows of `table` in a stable order, each made by `read`; a missing table has no rows.
    fn rows<T>(&self, table: &str, order: &str, read: impl Fn(&Row<'_>) -> Option<T>) -> Result<Vec<T>, SourceError> {
        let exists: bool = self
            .connection
            .query_row("SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = ?1", [table], |r| {
                r.get(0)
            })
            .map_err(|e| self.error(e))?;
        if !exists {
            return Ok(Vec::new());
        }
        let mut statement =
            self.connection.prepare(&format!("SELECT * FROM {table} ORDER BY {order}")).map_err(|e| self.error(e))?;
        let rows = statement.query_map([], |row| Ok(read(row))).map_err(|e| self.error(e))?;
        let mut out = Vec::new();
        for row in rows {
            out.extend(row.map_err(|e| self.error(e))?);
        }
        Ok(out)
    }

    pub fn users(&self) -> Result<Vec<LegacyUser>, SourceError> {
        self.rows("users", "rowid", |row| {
            Some(LegacyUser {
                user_id: text(row, "user_id")?,
                email: text(row, "email"),
                password_hash: text(row, "password_hash"),
                name: text(row, "name"),
                created_at: text(row, "created_at"),
            })
        })
    }

    pub fn uploads(&self) -> Result<Vec<LegacyUpload>, SourceError> {
        self.rows("cv_uploads", "rowid", |row| {
            Some(LegacyUpload {
                upload_id: text(row, "upload_id")?,
                user_id: text(row, "user_id")?,
                job_id: text(row, "job_id")?,
                filename: text(row, "filename"),
                file_type: text(row, "file_type"),
                upload_date: text(row, "upload_date"),
                cv_data: text(row, "cv_data"),
                status: text(row, "status"),
                file_hash: text(row, "file_hash"),
            })
        })
    }

    pub fn extraction_cache(&self) -> Result<Vec<LegacyCacheRow>, SourceError> {
        self.rows("cv_extraction_cache", "rowid", |row| {
            Some(LegacyCacheRow {
                file_hash: text(row, "file_hash")?,
                cv_data: text(row, "cv_data")?,
                extraction_model: text(row, "extraction_model"),
            })
        })
    }
}

/// The column `name` as text: absent, NULL or blank is `None`; numbers are written out.
fn text(row: &Row<'_>, name: &str) -> Option<String> {
    let value = match row.get_ref(name).ok()? {
        ValueRef::Null => return None,
        ValueRef::Integer(i) => i.to_string(),
        ValueRef::Real(f) => f.to_string(),
        ValueRef::Text(bytes) | ValueRef::Blob(bytes) => String::from_utf8_lossy(bytes).into_owned(),
    };
    (!value.trim().is_empty()).then_some(value)
}

/// An original in the upload folder, found by its job id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OriginalFile {
    pub path: PathBuf,
    /// The name the person gave it, when the layout keeps one (`{NN}_{name}`).
    pub name: Option<String>,
}

/// The upload folder, listed once: which files are whose. The original app kept its files in
/// three layouts, all found by job id: `{job_id}{ext}`, `{owner}/{job_id}{ext}` (anonymous
/// uploads) and `{job_id}/{NN}_{name}` (several files). `{job_id}_extracted.json` beside them is
/// a stale snapshot, not an original. Looking files up in this index (rather than the folder)
/// keeps the import linear, and a database id can only ever name a file that is in the folder.
#[derive(Debug, Default)]
pub struct UploadFolder {
    /// `{job}{ext}` at the top, by job id.
    top: HashMap<String, Vec<PathBuf>>,
    /// `{owner}/{job}{ext}`, by (owner, job id).
    owned: HashMap<(String, String), Vec<PathBuf>>,
    /// `{job}/{NN}_{name}`, by job id, in file order.
    parts: HashMap<String, Vec<OriginalFile>>,
}

impl UploadFolder {
    pub fn scan(uploads: &Path) -> Result<Self, SourceError> {
        let mut folder = Self::default();
        for entry in list(uploads)? {
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = entry.path();
            if path.is_file() {
                if let Some(job) = job_of(&name) {
                    folder.top.entry(job.to_owned()).or_default().push(path);
                }
                continue;
            }
            if !path.is_dir() {
                continue;
            }
            for inner in list(&path)? {
                let inner_name = inner.file_name().to_string_lossy().into_owned();
                if !inner.path().is_file() {
                    continue;
                }
                if let Some((number, given)) = inner_name.split_once('_')
                    && !number.is_empty()
                    && number.chars().all(|c| c.is_ascii_digit())
                    && !given.is_empty()
                {
                    let part = OriginalFile { path: inner.path(), name: Some(given.to_owned()) };
                    folder.parts.entry(name.clone()).or_default().push(part);
                } else if let Some(job) = job_of(&inner_name) {
                    folder.owned.entry((name.clone(), job.to_owned())).or_default().push(inner.path());
                }
            }
        }
        for files in folder.top.values_mut().chain(folder.owned.values_mut()) {
            files.sort();
        }
        for parts in folder.parts.values_mut() {
            parts.sort_by(|a, b| a.path.cmp(&b.path));
        }
        Ok(folder)
    }

    /// The originals of `job_id`, the upload's own first, the same order every run.
    pub fn originals(&self, owner: &str, job_id: &str) -> Vec<OriginalFile> {
        let single = |path: &PathBuf| OriginalFile { path: path.clone(), name: None };
        let mut found: Vec<OriginalFile> = self.top.get(job_id).into_iter().flatten().map(single).collect();
        found.extend(self.owned.get(&(owner.to_owned(), job_id.to_owned())).into_iter().flatten().map(single));
        found.extend(self.parts.get(job_id).into_iter().flatten().cloned());
        found
    }
}

fn list(folder: &Path) -> Result<Vec<std::fs::DirEntry>, SourceError> {
    let error = |error| SourceError::Folder { path: folder.display().to_string(), error };
    match std::fs::read_dir(folder) {
        Ok(entries) => entries.map(|e| e.map_err(error)).collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(error(e)),
    }
}

/// `abc.pdf` -> `abc`: a file named by a job id and one extension (never `abc_extracted.json`,
/// whose stem is not a job id the database holds).
fn job_of(name: &str) -> Option<&str> {
    let (stem, ext) = name.split_once('.')?;
    (!stem.is_empty() && !ext.is_empty() && ext.len() <= 5 && !ext.contains('.')).then_some(stem)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_found_by_job_id_in_the_three_layouts_and_nowhere_else() {
        let root = tempfile::tempdir().expect("tempdir");
        let uploads = root.path().join("uploads");
        std::fs::create_dir_all(uploads.join("job-1")).expect("dirs");
        std::fs::create_dir_all(uploads.join("anonymous_ab")).expect("dirs");
        std::fs::write(root.path().join("secret.txt"), b"not an upload").expect("outside");
        std::fs::write(uploads.join("job-1.pdf"), b"%PDF").expect("original");
        std::fs::write(uploads.join("job-1").join("01_cv.pdf"), b"%PDF").expect("part");
        std::fs::write(uploads.join("job-1_extracted.json"), b"{}").expect("snapshot");
        std::fs::write(uploads.join("anonymous_ab").join("job-2.txt"), b"cv").expect("owned");
        let folder = UploadFolder::scan(&uploads).expect("scan");
        assert!(folder.originals("u", "../secret").is_empty());
        assert!(folder.originals("..", "secret").is_empty());
        assert!(folder.originals("someone-else", "job-2").is_empty(), "only in its owner's folder");
        assert_eq!(folder.originals("anonymous_ab", "job-2").len(), 1);
        let found = folder.originals("u", "job-1");
        let names: Vec<_> =
            found.iter().map(|f| f.path.file_name().map(|n| n.to_string_lossy().into_owned())).collect();
        assert_eq!(names, [Some("job-1.pdf".to_owned()), Some("01_cv.pdf".to_owned())], "no snapshot");
        assert_eq!(found[1].name.as_deref(), Some("cv.pdf"));
    }
}
