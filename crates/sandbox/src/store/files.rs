//! Files hosted by the sandbox itself (`PUT /_sandbox/files/{name}`).

use rusqlite::{params, Connection};

use super::conn::{one, StoreResult};

pub fn put_file(c: &Connection, name: &str, content_type: &str, bytes: &[u8]) -> StoreResult<()> {
    c.execute(
        "INSERT INTO files(name, content_type, bytes) VALUES (?1, ?2, ?3) ON CONFLICT(name) DO UPDATE SET content_type = excluded.content_type, bytes = excluded.bytes",
        params![name, content_type, bytes],
    )?;
    Ok(())
}

pub fn file(c: &Connection, name: &str) -> StoreResult<Option<(String, Vec<u8>)>> {
    one(
        c,
        "SELECT content_type, bytes FROM files WHERE name = ?1",
        [name],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}
