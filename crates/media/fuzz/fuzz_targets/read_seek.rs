//! Fuzz target: the seeking driver (`probe_read_seek`: moov after mdat, fragment scan) and the
//! non-seeking reader, over an in-memory cursor.
#![no_main]

use std::io::Cursor;

use instapub_media::{probe_read, probe_read_seek};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = probe_read_seek(Cursor::new(data), 1 << 20);
    let _ = probe_read(Cursor::new(data), 1 << 20);
    // Most inputs that reach the seek paths start with an ISO-BMFF box.
    let mut iso = b"\x00\x00\x00\x10ftypisom\x00\x00\x00\x00".to_vec();
    iso.extend_from_slice(data);
    let _ = probe_read_seek(Cursor::new(&iso), 1 << 20);
});
