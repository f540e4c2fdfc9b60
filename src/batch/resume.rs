//! Resuming an interrupted run from its own output. Output lines map one-to-one to
//! input records, so the number of complete lines is the number of records done; a
//! last line cut off by the interruption is dropped and redone.
//!
//! Plain files are truncated in place to their last complete line and appended to.
//! A compressed file cannot be cut at a line: its readable complete lines are
//! recompressed into a temporary file beside it, which replaces it, and the run
//! continues writing that stream. This costs one pass over the old output.

use super::output::{Compression, Output};
use super::Summary;
use crate::error::{Error, Result};
use serde::de::{Deserializer, IgnoredAny, SeqAccess, Visitor};
use serde::Deserialize;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, ErrorKind, Seek, SeekFrom, Write};
use std::path::Path;

/// What an earlier run already wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResumePoint {
    /// Complete output lines kept, so input records to skip.
    pub done: usize,
    /// The id on the last kept line, to check that the input is the same.
    pub last_id: Option<String>,
    /// Counts over the kept lines.
    pub prior: Summary,
    /// Bytes of a cut-off last line that were dropped (to be redone).
    pub dropped_bytes: u64,
    /// One fingerprint per kept line, checked against its input record.
    pub(crate) kept: Vec<KeptLine>,
}

/// What a kept output line says of its input record: its id and, for an analysis,
/// how far into the text its spans reach. A line that does not fit its record (another
/// id, spans past the end of its text, an analysis of a record that is no document)
/// means the output is not this input's, and the resume is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct KeptLine {
    /// FNV-1a of the id as the line writes it (8 bytes a line, not the id itself: an
    /// archive of millions of records is resumed in bounded memory).
    pub id_hash: u64,
    /// For an analysis line, the largest `end` of its sentences and quotes (code
    /// points); `None` for error and skipped lines.
    pub analysis_end: Option<u64>,
}

/// FNV-1a, 64 bits: stable across runs and platforms (std's hasher is neither).
pub(crate) fn id_hash(id: &str) -> u64 {
    id.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Counts the elements of a JSON array of spans and their largest `end`, without
/// building them.
#[derive(Default)]
struct Spans {
    count: usize,
    max_end: u64,
}

/// The one field of a span that resuming checks.
#[derive(Deserialize)]
struct End {
    #[serde(default)]
    end: u64,
}

impl<'de> Deserialize<'de> for Spans {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Spans, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Spans;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an array of spans")
            }
            fn visit_seq<A: SeqAccess<'de>>(
                self,
                mut a: A,
            ) -> std::result::Result<Spans, A::Error> {
                let mut s = Spans::default();
                while let Some(x) = a.next_element::<End>()? {
                    s.count += 1;
                    s.max_end = s.max_end.max(x.end);
                }
                Ok(s)
            }
        }
        d.deserialize_seq(V)
    }
}

/// The parts of an output line that the summary and the checks need.
#[derive(Deserialize)]
struct Prior {
    #[serde(default)]
    id: Option<serde_json::Value>,
    #[serde(default)]
    error: Option<String>,
    /// A web record that is not an article, and why.
    #[serde(default)]
    skipped: Option<String>,
    #[serde(default)]
    sentences: Option<Spans>,
    #[serde(default)]
    quotes: Option<Spans>,
    #[serde(default)]
    speakers: Option<IgnoredAny>,
}

/// Scans output lines: counts complete ones (passing each to `keep`), stops at a cut-off
/// last line or where a compressed stream ends early. Only lines newsroles writes are
/// accepted: an analysis (`id`, `sentences`, `quotes`, `speakers`), an error line (`id`,
/// `error`) or a skipped line (`id`, `skipped`). Returns the point and the byte length
/// of the kept lines.
fn scan(
    r: &mut dyn BufRead,
    name: &Path,
    keep: &mut dyn FnMut(&[u8]) -> std::io::Result<()>,
) -> Result<(ResumePoint, u64)> {
    let mut p = ResumePoint::default();
    let mut kept = 0u64;
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match r.read_until(b'\n', &mut buf) {
            Ok(0) => break,
            Ok(_) => {}
            // A compressed stream cut off by the interruption: what decoded is good.
            Err(e) if e.kind() == ErrorKind::UnexpectedEof => {
                p.dropped_bytes = buf.len() as u64;
                break;
            }
            Err(e) => {
                return Err(Error::invalid(format!(
                    "{}: cannot read it back to resume ({e}); remove it or rerun without --resume",
                    name.display()
                )))
            }
        }
        if buf.last() != Some(&b'\n') {
            p.dropped_bytes = buf.len() as u64;
            break;
        }
        let not_ours = |why: &str| {
            Error::invalid(format!(
                "{}:{}: not a newsroles output line ({why}); cannot resume from this file",
                name.display(),
                p.done + 1
            ))
        };
        let line: Prior = serde_json::from_slice(&buf).map_err(|e| not_ours(&e.to_string()))?;
        let id = match line.id {
            Some(serde_json::Value::String(s)) => s,
            Some(v @ serde_json::Value::Number(_)) => v.to_string(),
            _ => return Err(not_ours("no id")),
        };
        let analysis_end = match (&line.error, &line.skipped) {
            (Some(_), None) | (None, Some(_)) => None,
            (None, None) => match (&line.sentences, &line.quotes, &line.speakers) {
                (Some(s), Some(q), Some(_)) => Some(s.max_end.max(q.max_end)),
                _ => {
                    return Err(not_ours(
                        "neither an analysis with sentences, quotes and speakers, \
                         nor an error or skipped line",
                    ))
                }
            },
            (Some(_), Some(_)) => return Err(not_ours("both an error and skipped")),
        };
        keep(&buf).map_err(|e| Error::io(name, e))?;
        p.done += 1;
        kept += buf.len() as u64;
        p.prior.records += 1;
        p.prior.errors += usize::from(line.error.is_some());
        if let Some(reason) = &line.skipped {
            p.prior.skip(reason);
        }
        p.prior.sentences += line.sentences.as_ref().map_or(0, |s| s.count);
        p.prior.quotes += line.quotes.as_ref().map_or(0, |s| s.count);
        p.kept.push(KeptLine {
            id_hash: id_hash(&id),
            analysis_end,
        });
        p.last_id = Some(id);
    }
    Ok((p, kept))
}

/// Opens `path` to continue an interrupted run: returns the output positioned after
/// the last complete line, and what was already done. A missing or empty file is a
/// fresh start.
///
/// # Errors
/// [`Error::Io`] on I/O failures; [`Error::InvalidInput`] when the file holds a line
/// that is not newsroles output or a compressed stream that is not readable.
pub fn open_resume(path: &Path) -> Result<(Output, ResumePoint)> {
    let io = |e| Error::io(path, e);
    let exists = std::fs::metadata(path).map(|m| m.len() > 0);
    match exists {
        Ok(true) => {}
        Ok(false) => return Ok((Output::create(path)?, ResumePoint::default())),
        Err(e) if e.kind() == ErrorKind::NotFound => {
            return Ok((Output::create(path)?, ResumePoint::default()))
        }
        Err(e) => return Err(io(e)),
    }
    let compression = Compression::from_path(path);
    if compression == Compression::None {
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
            .map_err(io)?;
        let (point, kept) = scan(
            &mut BufReader::with_capacity(1 << 16, &mut file),
            path,
            &mut |_| Ok(()),
        )?;
        file.set_len(kept).map_err(io)?;
        file.seek(SeekFrom::End(0)).map_err(io)?;
        return Ok((Output::wrap(file, path)?, point));
    }
    let old = BufReader::with_capacity(1 << 16, File::open(path).map_err(io)?);
    let mut decoded: Box<dyn BufRead> = match compression {
        Compression::Gzip => Box::new(BufReader::new(flate2::bufread::MultiGzDecoder::new(old))),
        _ => Box::new(BufReader::new(zstd::Decoder::with_buffer(old).map_err(io)?)),
    };
    // A new file of a random name beside the output, created exclusively (O_EXCL): a
    // link planted under a predictable name cannot redirect the write.
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let file_name = path.file_name().unwrap_or_default().to_string_lossy();
    let tmp = tempfile::Builder::new()
        .prefix(&format!(".{file_name}."))
        .suffix(".resume-tmp")
        .tempfile_in(dir)
        .map_err(|e| Error::io(dir, e))?;
    let (file, tmp) = tmp.into_parts();
    let mut out = Output::wrap(file, path)?;
    let scanned = scan(&mut *decoded, path, &mut |line| out.write_all(line));
    // On any failure `tmp` (a TempPath) removes the file when dropped.
    let (point, _) = scanned?;
    out.flush().map_err(|e| Error::io(&tmp, e))?;
    // The file being written replaces the old one; writing continues into it.
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok((out, point))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scan_counts_complete_lines_and_drops_a_cut_off_one() {
        let data = concat!(
            "{\"id\":\"a\",\"sentences\":[{},{}],\"quotes\":[{}],\"speakers\":[]}\n",
            "{\"id\":\"line 2\",\"error\":\"x: not JSON\"}\n",
            "{\"id\":7,\"sentences\":[],\"quotes\":[],\"speakers\":[]}\n",
            "{\"id\":\"https://x/\",\"url\":\"https://x/\",\"skipped\":\"HTTP 404\"}\n",
            "{\"id\":\"d\",\"sente"
        );
        let mut kept_lines = 0;
        let (p, kept) = scan(&mut data.as_bytes(), Path::new("out"), &mut |_| {
            kept_lines += 1;
            Ok(())
        })
        .unwrap();
        assert_eq!(kept_lines, 4);
        assert_eq!(p.done, 4);
        assert_eq!(p.last_id.as_deref(), Some("https://x/"));
        assert_eq!(p.dropped_bytes, 16);
        assert_eq!(kept as usize, data.len() - 16);
        let want = Summary {
            records: 4,
            errors: 1,
            sentences: 2,
            quotes: 1,
            skipped: 1,
            skipped_reasons: [("HTTP 404".to_string(), 1)].into(),
            other_warc_records: 0,
        };
        assert_eq!(p.prior, want);
    }

    #[test]
    fn scan_refuses_a_file_that_is_not_output() {
        let e = scan(
            &mut &b"hello\n"[..],
            Path::new("out.jsonl"),
            &mut |_| Ok(()),
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .contains("out.jsonl:1: not a newsroles output line"),
            "{e}"
        );
    }
}
