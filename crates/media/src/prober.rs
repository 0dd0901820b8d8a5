//! Drivers: the push-style [`Prober`] and the [`probe_bytes`], [`probe_read`] and
//! [`probe_read_seek`] entry points built on it.
//!
//! The format parsers are pure functions over a prefix of the file that either answer or say
//! how long a prefix they need. The [`Prober`] buffers fed bytes (never more than the cap) and
//! re-runs the parser only once that much has arrived, so parsing stays linear.

use std::io::{Read, Seek};

use crate::{dispatch, facts::Probe, isobmff, Halt, MediaFacts, ProbeError};

/// Default cap on bytes read: 16 MiB (a long video's `moov` is a few MiB at most).
pub const DEFAULT_CAP: u64 = 16 * 1024 * 1024;

/// Smallest read of the sync drivers.
const MIN_CHUNK: u64 = 4 * 1024;
/// Largest read of the sync drivers (a constant, never a length from the data).
const MAX_CHUNK: u64 = 1024 * 1024;
const CHUNK_FALLBACK: usize = 4 * 1024;

/// What a [`Prober`] says after a chunk.
#[derive(Debug)]
pub enum Step {
    /// Feed more bytes (or call [`Prober::finish`] at the end of the input).
    NeedMore,
    /// The facts are known: stop reading.
    Done(Probe),
    /// No facts can come: stop reading.
    Error(ProbeError),
}

/// Push-style probe: feed chunks as they arrive, stop when it answers.
///
/// ```
/// use instapub_media::{Prober, Step};
///
/// let mut p = Prober::new(1 << 20);
/// assert!(matches!(p.feed(b"GIF89a"), Step::NeedMore));
/// let Step::Done(probe) = p.feed(b"\x10\x00\x08\x00\x00\x00\x00") else { panic!() };
/// assert_eq!(probe.bytes_read, 13);
/// ```
#[derive(Debug)]
pub struct Prober {
    buf: Vec<u8>,
    cap: u64,
    /// Re-run the parser once the buffer holds this many bytes.
    next_try: u64,
    /// On `mdat` before `moov`, answer `NeedsSeek` at once instead of reading through.
    stop_on_skip: bool,
    finished: bool,
    /// Bytes consumed (fed and not refused by the cap), buffered or discarded.
    consumed: u64,
    /// Skipped boxes ending at or before this offset may be read through without buffering.
    read_through: u64,
    /// After a skip: the bytes from `skip_to` on.
    tail: Option<Tail>,
}

/// Bytes buffered after a box that was read through without buffering.
#[derive(Debug)]
struct Tail {
    /// Absolute offset of `data[0]`.
    skip_to: u64,
    data: Vec<u8>,
}

impl Prober {
    /// A prober that reads (and buffers) at most `cap` bytes; a `mdat` before the `moov` is
    /// read through, buffered, while the `moov` still fits under the cap.
    pub fn new(cap: u64) -> Self {
        Prober {
            buf: Vec::new(),
            cap,
            next_try: 0,
            stop_on_skip: false,
            finished: false,
            consumed: 0,
            read_through: 0,
            tail: None,
        }
    }

    /// Let a stream that is read to its end anyway (a download that also checks the file size)
    /// find a `moov` after a large `mdat`: skipped boxes ending at or before byte `limit` are
    /// counted and discarded instead of buffered, and `cap` then bounds the memory used
    /// (the head and the `moov`, at most `cap` bytes each) rather than the bytes read.
    pub fn read_through(mut self, limit: u64) -> Self {
        self.read_through = limit;
        self
    }

    /// Bytes consumed so far (including bytes read through and discarded).
    pub fn bytes_read(&self) -> u64 {
        self.consumed
    }

    /// Feed the next chunk of the input.
    pub fn feed(&mut self, chunk: &[u8]) -> Step {
        if self.finished {
            return Step::Error(ProbeError::Corrupt {
                format: "input",
                what: "fed after the probe had answered",
            });
        }
        if self.tail.is_some() {
            return self.feed_tail(chunk);
        }
        let room =
            usize::try_from(self.cap.saturating_sub(self.bytes_read())).unwrap_or(usize::MAX);
        let take = chunk.get(..room.min(chunk.len())).unwrap_or(chunk);
        self.buf.extend_from_slice(take);
        self.consumed = self.consumed.saturating_add(take.len() as u64);
        let capped = take.len() < chunk.len() || self.bytes_read() >= self.cap;
        if self.bytes_read() < self.next_try && !capped {
            return Step::NeedMore;
        }
        let step = self.attempt(false);
        if self.tail.is_some() && matches!(step, Step::NeedMore) {
            // Now reading through: the part of the chunk the head had no room for goes on.
            return match chunk.get(take.len()..) {
                Some(rest) if !rest.is_empty() => self.feed_tail(rest),
                _ => Step::NeedMore,
            };
        }
        match step {
            Step::NeedMore if capped => {
                let needed = self.next_try.max(self.cap.saturating_add(1));
                self.at_cap(needed)
            }
            s => s,
        }
    }

    /// The input has ended: answer with what was fed.
    pub fn finish(&mut self) -> Step {
        if self.finished {
            return Step::Error(ProbeError::Corrupt {
                format: "input",
                what: "finished after the probe had answered",
            });
        }
        let step = if self.tail.is_some() {
            self.attempt_tail(true, false)
        } else {
            self.attempt(true)
        };
        match step {
            Step::NeedMore => {
                self.finished = true;
                Step::Error(ProbeError::Truncated { format: "input" })
            }
            s => s,
        }
    }

    fn attempt(&mut self, eof: bool) -> Step {
        let len = self.bytes_read();
        match dispatch(&self.buf, eof) {
            Ok(facts) => {
                self.finished = true;
                Step::Done(Probe {
                    facts,
                    bytes_read: len,
                })
            }
            Err(Halt::Fail(e)) => {
                self.finished = true;
                Step::Error(e)
            }
            Err(Halt::Need(n)) => self.wait_for(n, eof),
            Err(Halt::Skip(offset)) => {
                if !self.stop_on_skip && offset.saturating_add(16) <= self.cap {
                    // A stream reads through the skipped box while the cap allows.
                    self.wait_for(offset.saturating_add(16), eof)
                } else if !self.stop_on_skip && !eof && offset <= self.read_through {
                    // Read through without buffering; keep what was fed past `offset`.
                    let keep = usize::try_from(offset)
                        .ok()
                        .and_then(|o| self.buf.get(o..))
                        .map(<[u8]>::to_vec)
                        .unwrap_or_default();
                    if let Ok(o) = usize::try_from(offset) {
                        self.buf.truncate(o);
                    }
                    self.tail = Some(Tail {
                        skip_to: offset,
                        data: keep,
                    });
                    self.attempt_tail(false, false)
                } else {
                    self.finished = true;
                    Step::Error(ProbeError::NeedsSeek { offset })
                }
            }
        }
    }

    fn feed_tail(&mut self, chunk: &[u8]) -> Step {
        let start = self.consumed;
        let cap = self.cap;
        let Some(tail) = self.tail.as_mut() else {
            return Step::NeedMore;
        };
        // The chunk's bytes before `skip_to` are discarded; the rest is buffered up to the cap.
        let discard = usize::try_from(tail.skip_to.saturating_sub(start)).unwrap_or(usize::MAX);
        let keep = chunk.get(discard..).unwrap_or(&[]);
        let room =
            usize::try_from(cap.saturating_sub(tail.data.len() as u64)).unwrap_or(usize::MAX);
        let take = keep.get(..room.min(keep.len())).unwrap_or(keep);
        tail.data.extend_from_slice(take);
        let capped = take.len() < keep.len();
        let refused = keep.len() - take.len();
        self.consumed = start.saturating_add((chunk.len() - refused) as u64);
        if self.consumed < self.next_try && !capped {
            return Step::NeedMore;
        }
        self.attempt_tail(false, capped)
    }

    fn attempt_tail(&mut self, eof: bool, capped: bool) -> Step {
        // Each round either answers or moves `skip_to` strictly forward.
        loop {
            let Some(tail) = self.tail.as_mut() else {
                return Step::NeedMore;
            };
            let outcome = isobmff::probe_tail(&self.buf, &tail.data, tail.skip_to, eof);
            match outcome {
                Ok(facts) => {
                    self.finished = true;
                    return Step::Done(Probe {
                        facts,
                        bytes_read: self.consumed,
                    });
                }
                Err(Halt::Fail(e)) => {
                    self.finished = true;
                    return Step::Error(e);
                }
                Err(Halt::Need(n)) => {
                    if eof {
                        self.finished = true;
                        return Step::Error(ProbeError::Truncated { format: "isobmff" });
                    }
                    let needed = n.saturating_sub(tail.skip_to);
                    if capped || needed > self.cap {
                        self.finished = true;
                        return Step::Error(ProbeError::TooLarge {
                            cap: self.cap,
                            needed,
                        });
                    }
                    let len = self.consumed;
                    self.next_try = n
                        .max(len.saturating_add(1))
                        .max(len.saturating_add((tail.data.len() as u64) / 8));
                    return Step::NeedMore;
                }
                Err(Halt::Skip(offset)) => {
                    if eof || offset <= tail.skip_to || offset > self.read_through {
                        self.finished = true;
                        return Step::Error(ProbeError::NeedsSeek { offset });
                    }
                    let drop = usize::try_from(offset - tail.skip_to).unwrap_or(usize::MAX);
                    if drop < tail.data.len() {
                        tail.data.drain(..drop);
                    } else {
                        tail.data.clear();
                    }
                    tail.skip_to = offset;
                    self.next_try = offset.saturating_add(16);
                    if self.consumed < self.next_try {
                        return Step::NeedMore;
                    }
                }
            }
        }
    }

    /// No more bytes will be read: a PNG answers without the ancillary chunks it did not reach
    /// (as at the end of its input); anything else is `TooLarge`. (Other formats' end-of-input
    /// answers, such as a box running to the end of the file, would be wrong at a cap.)
    fn at_cap(&mut self, needed: u64) -> Step {
        self.finished = true;
        let too_large = ProbeError::TooLarge {
            cap: self.cap,
            needed,
        };
        match dispatch(&self.buf, true) {
            Ok(
                facts @ MediaFacts::Image(crate::ImageFacts {
                    format: crate::ImageFormat::Png,
                    ..
                }),
            ) => Step::Done(Probe {
                facts,
                bytes_read: self.bytes_read(),
            }),
            Ok(_)
            | Err(Halt::Fail(ProbeError::Truncated { .. }) | Halt::Need(_) | Halt::Skip(_)) => {
                Step::Error(too_large)
            }
            Err(Halt::Fail(e)) => Step::Error(e),
        }
    }

    fn wait_for(&mut self, n: u64, eof: bool) -> Step {
        let len = self.bytes_read();
        if eof {
            self.finished = true;
            return Step::Error(ProbeError::Truncated { format: "input" });
        }
        if n > self.cap {
            return self.at_cap(n);
        }
        // At least an eighth more than now, so a parser asking for a byte at a time stays linear.
        self.next_try = n
            .max(len.saturating_add(1))
            .max(len.saturating_add(len / 8));
        Step::NeedMore
    }
}

/// Probe a file (or prefix of a file) held in memory; `bytes` is taken as the whole input.
pub fn probe_bytes(bytes: &[u8]) -> Result<Probe, ProbeError> {
    match dispatch(bytes, true) {
        Ok(facts) => Ok(Probe {
            facts,
            // The parsers may not need all of it, but all of it was given.
            bytes_read: bytes.len() as u64,
        }),
        Err(Halt::Fail(e)) => Err(e),
        Err(Halt::Need(_)) => Err(ProbeError::Truncated { format: "input" }),
        Err(Halt::Skip(offset)) => Err(ProbeError::NeedsSeek { offset }),
    }
}

fn drive<R: Read>(p: &mut Prober, r: &mut R) -> Result<Probe, ProbeError> {
    let mut chunk = Vec::new();
    loop {
        // Read what the parser asked for (at least 4 KiB, at most 1 MiB at a time): a header
        // costs one small read, a 300 KB moov one read of its size.
        let want = p
            .next_try
            .saturating_sub(p.bytes_read())
            .clamp(MIN_CHUNK, MAX_CHUNK);
        chunk.resize(usize::try_from(want).unwrap_or(CHUNK_FALLBACK), 0);
        let n = loop {
            match r.read(&mut chunk) {
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e.into()),
            }
        };
        let step = match chunk.get(..n) {
            Some(data) if n > 0 => p.feed(data),
            _ => p.finish(),
        };
        match step {
            Step::NeedMore => continue,
            Step::Done(probe) => return Ok(probe),
            Step::Error(e) => return Err(e),
        }
    }
}

/// Probe a sync reader, reading at most `cap` bytes, in reads sized by what the parser needs
/// next (4 KiB to 1 MiB), and stopping as soon as the facts are known. A `moov` after a `mdat` larger than the cap gives
/// [`ProbeError::NeedsSeek`].
pub fn probe_read<R: Read>(mut r: R, cap: u64) -> Result<Probe, ProbeError> {
    let mut p = Prober::new(cap);
    drive(&mut p, &mut r)
}

/// Probe a seekable reader from its current position (taken as the start of the file): like
/// [`probe_read`], but seeks over `mdat` to a trailing `moov`, and for a fragmented movie whose
/// `moov` gives no duration, walks the `moof` boxes to add it up. `bytes_read` counts the bytes
/// actually read, not those skipped.
pub fn probe_read_seek<R: Read + Seek>(mut r: R, cap: u64) -> Result<Probe, ProbeError> {
    let start = r.stream_position()?;
    let mut p = Prober::new(cap);
    p.stop_on_skip = true;
    match drive(&mut p, &mut r) {
        Err(ProbeError::NeedsSeek { offset }) => {
            let head = std::mem::take(&mut p.buf);
            let budget = cap.saturating_sub(head.len() as u64);
            let (facts, more) = isobmff::resume_after_skip(&mut r, start, &head, offset, budget)?;
            Ok(Probe {
                facts,
                bytes_read: (head.len() as u64).saturating_add(more),
            })
        }
        Ok(mut probe) => {
            // A fragmented movie without a duration in its moov: add up the fragments.
            if let MediaFacts::Video(v) = &mut probe.facts {
                if v.fragmented && v.duration_ms.is_none() {
                    let budget = cap.saturating_sub(probe.bytes_read);
                    if let Ok((Some((ms, rate)), more)) =
                        isobmff::scan_fragments(&mut r, start, budget)
                    {
                        v.duration_ms = Some(ms);
                        v.frame_rate = v.frame_rate.or(rate);
                        probe.bytes_read = probe.bytes_read.saturating_add(more);
                    }
                }
            }
            Ok(probe)
        }
        other => other,
    }
}
