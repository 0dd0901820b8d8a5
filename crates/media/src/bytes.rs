//! Bounds-checked integer reads from untrusted slices: every read is `Option`, never a panic.

pub(crate) fn u8_at(b: &[u8], at: usize) -> Option<u8> {
    b.get(at).copied()
}

fn arr<const N: usize>(b: &[u8], at: usize) -> Option<[u8; N]> {
    let end = at.checked_add(N)?;
    b.get(at..end)?.try_into().ok()
}

pub(crate) fn be16(b: &[u8], at: usize) -> Option<u16> {
    arr(b, at).map(u16::from_be_bytes)
}
pub(crate) fn be32(b: &[u8], at: usize) -> Option<u32> {
    arr(b, at).map(u32::from_be_bytes)
}
pub(crate) fn be64(b: &[u8], at: usize) -> Option<u64> {
    arr(b, at).map(u64::from_be_bytes)
}
pub(crate) fn le16(b: &[u8], at: usize) -> Option<u16> {
    arr(b, at).map(u16::from_le_bytes)
}
pub(crate) fn le32(b: &[u8], at: usize) -> Option<u32> {
    arr(b, at).map(u32::from_le_bytes)
}
pub(crate) fn fourcc(b: &[u8], at: usize) -> Option<[u8; 4]> {
    arr(b, at)
}

/// A four-character code as text (non-printable bytes become `?`).
pub(crate) fn fourcc_str(c: [u8; 4]) -> String {
    c.iter()
        .map(|&x| {
            if x.is_ascii_graphic() || x == b' ' {
                x as char
            } else {
                '?'
            }
        })
        .collect()
}

/// Absolute offset as `u64` (usize always fits on supported targets).
pub(crate) fn off(x: usize) -> u64 {
    x as u64
}
