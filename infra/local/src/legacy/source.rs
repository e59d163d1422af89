//! The original app's data as it lies: its SQLite file, opened read-only, and its upload folder.
//!
//! Columns were added over time with `ALTER TABLE`, so their order differs between databases
//! and an old one may lack some: every column is read by name, and a missing one reads as
//! empty.

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

/// The originals of `job_id` under `uploads`, in the three layouts the original app used:
/// `{job_id}{ext}`, `{owner}/{job_id}{ext}` (anonymous uploads) and `{job_id}/{NN}_{name}`
/// (several files). `{job_id}_extracted.json` beside them is a stale snapshot, not an original.
pub fn originals(uploads: &Path, owner: &str, job_id: &str) -> Result<Vec<OriginalFile>, SourceError> {
    // Ids from the database name files here, so they may not name anything outside the folder.
    let plain = |name: &str| !name.is_empty() && !name.starts_with('.') && !name.contains(['/', '\\', '\0']);
    if !plain(job_id) {
        return Ok(Vec::new());
    }
    let owner_folder = plain(owner).then(|| uploads.join(owner));
    let folder_error = |path: &Path, error| SourceError::Folder { path: path.display().to_string(), error };
    let mut found = Vec::new();
    for folder in std::iter::once(uploads.to_path_buf()).chain(owner_folder) {
        let entries = match std::fs::read_dir(&folder) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(folder_error(&folder, e)),
        };
        for entry in entries {
            let entry = entry.map_err(|e| folder_error(&folder, e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let is_original = name
                .strip_prefix(job_id)
                .is_some_and(|ext| ext.starts_with('.') && !ext[1..].contains(['.', '/']) && ext.len() <= 6);
            if is_original && entry.path().is_file() {
                found.push(OriginalFile { path: entry.path(), name: None });
            }
        }
    }
    // The same order every run: the first file is the upload's original.
    found.sort_by(|a, b| a.path.cmp(&b.path));
    let several = uploads.join(job_id);
    if several.is_dir() {
        let mut parts: Vec<OriginalFile> = Vec::new();
        for entry in std::fs::read_dir(&several).map_err(|e| folder_error(&several, e))? {
            let entry = entry.map_err(|e| folder_error(&several, e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some((number, given)) = name.split_once('_') else { continue };
            if number.chars().all(|c| c.is_ascii_digit()) && !given.is_empty() && entry.path().is_file() {
                parts.push(OriginalFile { path: entry.path(), name: Some(given.to_owned()) });
            }
        }
        parts.sort_by(|a, b| a.path.cmp(&b.path));
        found.extend(parts);
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_cannot_reach_outside_the_upload_folder() {
        let root = tempfile::tempdir().expect("tempdir");
        let uploads = root.path().join("uploads");
        std::fs::create_dir_all(uploads.join("job-1")).expect("dirs");
        std::fs::write(root.path().join("secret.txt"), b"not an upload").expect("outside");
        std::fs::write(uploads.join("job-1.pdf"), b"%PDF").expect("original");
        std::fs::write(uploads.join("job-1").join("01_cv.pdf"), b"%PDF").expect("part");
        std::fs::write(uploads.join("job-1_extracted.json"), b"{}").expect("snapshot");
        assert!(originals(&uploads, "u", "../secret").expect("read").is_empty());
        assert!(originals(&uploads, "..", "secret").expect("read").is_empty());
        let found = originals(&uploads, "u", "job-1").expect("read");
        let names: Vec<_> =
            found.iter().map(|f| f.path.file_name().map(|n| n.to_string_lossy().into_owned())).collect();
        assert_eq!(names, [Some("job-1.pdf".to_owned()), Some("01_cv.pdf".to_owned())], "no snapshot");
        assert_eq!(found[1].name.as_deref(), Some("cv.pdf"));
    }
}
