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
use std::path::{Path, PathBuf};

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
}

/// Counts the elements of a JSON array without building them.
#[derive(Default)]
struct Count(usize);

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Count, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Count;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an array")
            }
            fn visit_seq<A: SeqAccess<'de>>(
                self,
                mut a: A,
            ) -> std::result::Result<Count, A::Error> {
                let mut n = 0;
                while a.next_element::<IgnoredAny>()?.is_some() {
                    n += 1;
                }
                Ok(Count(n))
            }
        }
        d.deserialize_seq(V)
    }
}

/// The parts of an output line that the summary needs.
#[derive(Deserialize)]
struct Prior {
    #[serde(default)]
    id: Option<serde_json::Value>,
    #[serde(default)]
    error: Option<IgnoredAny>,
    /// A web record that is not an article, and why.
    #[serde(default)]
    skipped: Option<String>,
    #[serde(default)]
    sentences: Count,
    #[serde(default)]
    quotes: Count,
}

/// Scans output lines: counts complete ones (passing each to `keep`), stops at a cut-off
/// last line or where a compressed stream ends early. Returns the point and the byte
/// length of the kept lines.
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
        let line: Prior = serde_json::from_slice(&buf).map_err(|e| {
            Error::invalid(format!(
                "{}:{}: not a newsroles output line ({e}); cannot resume from this file",
                name.display(),
                p.done + 1
            ))
        })?;
        keep(&buf).map_err(|e| Error::io(name, e))?;
        p.done += 1;
        kept += buf.len() as u64;
        p.prior.records += 1;
        p.prior.errors += usize::from(line.error.is_some());
        if let Some(reason) = &line.skipped {
            p.prior.skip(reason);
        }
        p.prior.sentences += line.sentences.0;
        p.prior.quotes += line.quotes.0;
        p.last_id = line.id.map(|v| match v {
            serde_json::Value::String(s) => s,
            other => other.to_string(),
        });
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
    let mut tmp_name = path.as_os_str().to_owned();
    tmp_name.push(".resume-tmp");
    let tmp = PathBuf::from(tmp_name);
    let mut out = Output::wrap(File::create(&tmp).map_err(|e| Error::io(&tmp, e))?, path)?;
    let scanned = scan(&mut *decoded, path, &mut |line| out.write_all(line));
    let (point, _) = match scanned {
        Ok(s) => s,
        Err(e) => {
            drop(out);
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
    };
    out.flush().map_err(|e| Error::io(&tmp, e))?;
    // The file being written replaces the old one; writing continues into it.
    std::fs::rename(&tmp, path).map_err(io)?;
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
            "{\"id\":7,\"sentences\":[],\"quotes\":[]}\n",
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
