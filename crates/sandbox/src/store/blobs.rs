//! The bytes of published media, kept so the sandbox can serve them the way Instagram's CDN
//! does (`media_url`, `thumbnail_url`).
//!
//! Content-addressed: a blob is named by the SHA-256 of its bytes, so the same file published
//! twice is stored once. A file database keeps its blobs in a folder beside it
//! (`instapub-sandbox.db.media/`); `:memory:` keeps them in memory. Either way the total is
//! capped ([`crate::Config::media_store_max_bytes`]): a write that would pass the cap fails
//! with [`BlobError::Full`], which the Graph side reports as a temporary error naming the cap.
//!
//! Writing streams: [`BlobWriter`] hashes and appends each chunk as it arrives (to a temporary
//! file, renamed to its hash when complete), so storing a 300 MiB video costs one chunk of
//! memory. The writes are plain `std::fs` calls on the async thread: each is one chunk into the
//! page cache, a few microseconds, and the fetch callback that feeds them is synchronous.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use bytes::Bytes;
use sha2::{Digest, Sha256};

use crate::config::Db;

/// Why a blob could not be stored.
#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("the sandbox's media store is full ({used} of {cap} bytes used)")]
    Full { used: u64, cap: u64 },
    #[error("the sandbox's media store cannot be written: {0}")]
    Io(#[from] std::io::Error),
}

/// Stored bytes, ready to serve.
#[derive(Debug, Clone)]
pub enum Blob {
    File { path: PathBuf, len: u64 },
    Memory(Bytes),
}

impl Blob {
    pub fn len(&self) -> u64 {
        match self {
            Blob::File { len, .. } => *len,
            Blob::Memory(b) => b.len() as u64,
        }
    }
}

/// The media store. See the module docs.
#[derive(Debug)]
pub struct Blobs {
    /// `None`: in memory.
    dir: Option<PathBuf>,
    memory: Mutex<HashMap<String, Bytes>>,
    cap: u64,
    /// Bytes stored plus bytes reserved by writers in progress.
    used: AtomicU64,
}

const TEMP_PREFIX: &str = "incoming-";

impl Blobs {
    /// Opens the store for a database: a folder beside a file database (created if missing,
    /// leftovers of interrupted writes removed), memory for `:memory:`.
    pub fn open(db: &Db, cap: u64) -> std::io::Result<Blobs> {
        let dir = match db {
            Db::Memory => None,
            Db::File(path) => {
                let mut name = path.as_os_str().to_owned();
                name.push(".media");
                let dir = PathBuf::from(name);
                std::fs::create_dir_all(&dir)?;
                // Owner-only, like the database beside it (an older sandbox made it 0755).
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt;
                    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))?;
                }
                Some(dir)
            }
        };
        let mut used = 0;
        if let Some(dir) = &dir {
            for entry in std::fs::read_dir(dir)? {
                let entry = entry?;
                let name = entry.file_name();
                let name = name.to_string_lossy();
                if name.starts_with(TEMP_PREFIX) {
                    let _ = std::fs::remove_file(entry.path());
                } else if is_blob_id(&name) {
                    used += entry.metadata()?.len();
                }
            }
        }
        Ok(Blobs {
            dir,
            memory: Mutex::new(HashMap::new()),
            cap,
            used: AtomicU64::new(used),
        })
    }

    /// Bytes stored (and reserved by writes in progress).
    pub fn used(&self) -> u64 {
        self.used.load(Ordering::Relaxed)
    }

    /// The cap.
    pub fn cap(&self) -> u64 {
        self.cap
    }

    /// Starts writing a blob.
    pub fn writer(&self) -> Result<BlobWriter<'_>, BlobError> {
        let sink = match &self.dir {
            None => Sink::Memory(Vec::new()),
            Some(dir) => {
                let path = dir.join(format!("{TEMP_PREFIX}{:016x}", fastrand::u64(..)));
                let mut options = std::fs::OpenOptions::new();
                options.write(true).create_new(true);
                #[cfg(unix)]
                {
                    use std::os::unix::fs::OpenOptionsExt;
                    options.mode(0o600);
                }
                Sink::File(
                    BufWriter::with_capacity(64 * 1024, options.open(&path)?),
                    path,
                )
            }
        };
        Ok(BlobWriter {
            blobs: self,
            hasher: Sha256::new(),
            reserved: 0,
            sink: Some(sink),
        })
    }

    /// Stores bytes held in memory (an image, a cover); their id.
    pub fn put(&self, bytes: &[u8]) -> Result<String, BlobError> {
        // Tests publish the same few fixtures again and again: a small image already stored
        // is found by its hash without writing and removing a temporary file (a larger one
        // is hashed once, while it is written, and the duplicate dropped then).
        if bytes.len() <= 1024 * 1024 {
            let id = hex(&Sha256::digest(bytes));
            if self.get(&id).is_some() {
                return Ok(id);
            }
        }
        let mut w = self.writer()?;
        w.write(bytes)?;
        w.finish()
    }

    /// The blob with this id, if stored.
    pub fn get(&self, id: &str) -> Option<Blob> {
        if !is_blob_id(id) {
            return None;
        }
        match &self.dir {
            None => self.lock().get(id).cloned().map(Blob::Memory),
            Some(dir) => {
                let path = dir.join(id);
                let len = std::fs::metadata(&path).ok()?.len();
                Some(Blob::File { path, len })
            }
        }
    }

    /// Removes every blob (the control plane's reset).
    pub fn clear(&self) -> std::io::Result<()> {
        match &self.dir {
            None => {
                let mut memory = self.lock();
                let freed: u64 = memory.values().map(|b| b.len() as u64).sum();
                memory.clear();
                self.release(freed);
            }
            Some(dir) => {
                for entry in std::fs::read_dir(dir)? {
                    let entry = entry?;
                    let name = entry.file_name();
                    if is_blob_id(&name.to_string_lossy()) {
                        let len = entry.metadata()?.len();
                        std::fs::remove_file(entry.path())?;
                        self.release(len);
                    }
                }
            }
        }
        Ok(())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Bytes>> {
        // A poisoned map is still a consistent map: every insert is one call.
        self.memory.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Reserves `n` more bytes under the cap.
    fn reserve(&self, n: u64) -> Result<(), BlobError> {
        self.used
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |used| {
                used.checked_add(n).filter(|total| *total <= self.cap)
            })
            .map(drop)
            .map_err(|used| BlobError::Full {
                used,
                cap: self.cap,
            })
    }

    fn release(&self, n: u64) {
        let _ = self
            .used
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |used| {
                Some(used.saturating_sub(n))
            });
    }
}

/// A SHA-256 in lowercase hex: the only names the store reads (no path can be smuggled in).
fn is_blob_id(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

enum Sink {
    File(BufWriter<File>, PathBuf),
    Memory(Vec<u8>),
}

/// A blob being written; dropped unfinished, it leaves nothing behind.
pub struct BlobWriter<'a> {
    blobs: &'a Blobs,
    hasher: Sha256,
    reserved: u64,
    sink: Option<Sink>,
}

impl BlobWriter<'_> {
    /// Appends a chunk.
    pub fn write(&mut self, chunk: &[u8]) -> Result<(), BlobError> {
        self.blobs.reserve(chunk.len() as u64)?;
        self.reserved += chunk.len() as u64;
        self.hasher.update(chunk);
        match &mut self.sink {
            Some(Sink::File(f, _)) => f.write_all(chunk)?,
            Some(Sink::Memory(v)) => v.extend_from_slice(chunk),
            None => {}
        }
        Ok(())
    }

    /// Completes the blob; its id. Bytes already stored under that id are kept and the new
    /// copy dropped (and not counted twice).
    pub fn finish(mut self) -> Result<String, BlobError> {
        let id = hex(&std::mem::take(&mut self.hasher).finalize());
        match self.sink.take() {
            Some(Sink::Memory(v)) => {
                let mut memory = self.blobs.lock();
                if memory.contains_key(&id) {
                    self.blobs.release(self.reserved);
                } else {
                    memory.insert(id.clone(), Bytes::from(v));
                }
            }
            Some(Sink::File(f, temp)) => {
                // Flushed to the page cache, not synced: the same promise as the store's WAL
                // (a SIGKILL loses nothing; a power loss may).
                let finished = f.into_inner().map_err(|e| e.into_error()).map(drop);
                if let Err(e) = finished {
                    let _ = std::fs::remove_file(&temp);
                    self.blobs.release(self.reserved);
                    return Err(e.into());
                }
                let dir = temp.parent().unwrap_or(Path::new("."));
                let path = dir.join(&id);
                if path.exists() {
                    let _ = std::fs::remove_file(&temp);
                    self.blobs.release(self.reserved);
                } else if let Err(e) = std::fs::rename(&temp, &path) {
                    let _ = std::fs::remove_file(&temp);
                    self.blobs.release(self.reserved);
                    return Err(e.into());
                }
            }
            None => {}
        }
        self.reserved = 0;
        Ok(id)
    }
}

impl Drop for BlobWriter<'_> {
    fn drop(&mut self) {
        if let Some(sink) = self.sink.take() {
            if let Sink::File(_, temp) = sink {
                let _ = std::fs::remove_file(temp);
            }
            self.blobs.release(self.reserved);
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_db(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("instapub-blobs-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        dir.join("s.db")
    }

    fn read(blob: Blob) -> Vec<u8> {
        match blob {
            Blob::File { path, .. } => std::fs::read(path).unwrap_or_else(|e| panic!("{e}")),
            Blob::Memory(b) => b.to_vec(),
        }
    }

    #[test]
    fn same_bytes_one_blob_and_the_cap_holds() {
        for db in [Db::Memory, Db::File(temp_db("cap"))] {
            let blobs = Blobs::open(&db, 10).unwrap_or_else(|e| panic!("{e}"));
            let a = blobs.put(b"hello").unwrap_or_else(|e| panic!("{e}"));
            let again = blobs.put(b"hello").unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(a, again);
            assert_eq!(blobs.used(), 5, "{db:?}: stored once");
            let b = blobs.get(&a).map(read);
            assert_eq!(b.as_deref(), Some(&b"hello"[..]));
            assert!(matches!(
                blobs.put(b"too much"),
                Err(BlobError::Full { used: 5, cap: 10 })
            ));
            assert_eq!(
                blobs.used(),
                5,
                "a refused write gives its reservation back"
            );
            blobs.clear().unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(blobs.used(), 0);
            assert!(blobs.get(&a).is_none());
        }
    }

    #[test]
    fn an_unfinished_write_leaves_nothing_and_a_reopen_counts_what_is_kept() {
        let path = temp_db("reopen");
        let db = Db::File(path.clone());
        let blobs = Blobs::open(&db, 1 << 20).unwrap_or_else(|e| panic!("{e}"));
        let kept = blobs.put(&[7u8; 1000]).unwrap_or_else(|e| panic!("{e}"));
        {
            let mut w = blobs.writer().unwrap_or_else(|e| panic!("{e}"));
            w.write(&[1u8; 500]).unwrap_or_else(|e| panic!("{e}"));
        }
        assert_eq!(blobs.used(), 1000);
        let mut dir = path.as_os_str().to_owned();
        dir.push(".media");
        let names: Vec<_> = std::fs::read_dir(PathBuf::from(dir))
            .unwrap_or_else(|e| panic!("{e}"))
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, vec![kept.clone()]);
        let reopened = Blobs::open(&db, 1 << 20).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(reopened.used(), 1000);
        assert!(
            reopened.get("../s.db").is_none(),
            "only hash names are read"
        );
    }
}
