//! WARC input (`.warc`, `.warc.gz` with one gzip member per record, or any stream
//! that starts with `WARC/1.`): every `response` record becomes one raw record, in
//! order, for the workers to parse as HTTP and extract; other record types
//! (warcinfo, request, metadata, revisit …) are counted and give no output line.
//!
//! The reader is ours rather than the `warc` crate's (0.4): that crate adds 36 crates
//! (url/idna/ICU, chrono, uuid 0.8, libflate, nom 7), reads a record's headers without
//! a size bound and always buffers its whole body (a multi-gigabyte video record would
//! be held in memory), and cannot resynchronise after a corrupt record. Here headers
//! are bounded, bodies over the payload limit are streamed past, decompression is
//! flate2's (shared with the JSON Lines reader, via `open_stream`), and:
//!
//! - a record cut off by the end of the input (an interrupted download) or by a
//!   corrupt compressed stream is an error line, and the input ends there;
//! - a record whose header is not WARC is an error line, and reading resumes at the
//!   next line starting with `WARC/1.`.

use super::input::{Body, Place, RawRecord, RecordSource};
use crate::error::Result;
use std::io::{BufRead, Read};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// Largest WARC header block accepted.
const MAX_HEADER: usize = 64 << 10;

/// Reads WARC records from a (decompressed) stream.
pub(crate) struct WarcSource<R> {
    reader: R,
    name: Arc<str>,
    /// Records started so far (every type), for `FILE:RECORD` places.
    record: usize,
    /// Bodies larger than this are skipped over and reported, not read into memory.
    max_payload: usize,
    /// Records without an output line (not `response`), shared with [`super::Inputs`].
    other: Arc<AtomicUsize>,
    /// A `WARC/` line found while resynchronising: the start of the next record.
    pending: Option<Vec<u8>>,
    /// The stream cannot be read further (cut off, or corrupt compression).
    ended: bool,
}

/// The parts of a WARC header this reader uses.
#[derive(Debug, Default)]
struct Header {
    kind: String,
    length: Option<u64>,
    uri: Option<String>,
    content_type: Option<String>,
}

enum Line {
    Eof,
    /// The line without its line end, cut at the limit.
    Got(Vec<u8>),
}

impl<R: BufRead> WarcSource<R> {
    pub fn new(reader: R, name: &str, max_payload: usize, other: Arc<AtomicUsize>) -> Self {
        WarcSource {
            reader,
            name: name.into(),
            record: 0,
            max_payload,
            other,
            pending: None,
            ended: false,
        }
    }

    /// One line without its `\r\n`, keeping at most `limit` bytes of it (the rest is
    /// consumed).
    fn line(&mut self, limit: usize) -> std::io::Result<Line> {
        let mut buf = Vec::new();
        let (n, eof) = super::input::read_bounded_line(&mut self.reader, &mut buf, limit)?;
        if eof && n == 0 {
            return Ok(Line::Eof);
        }
        if !eof && buf.last() == Some(&b'\r') {
            buf.pop();
        }
        Ok(Line::Got(buf))
    }

    fn place(&self) -> Place {
        Place {
            source: self.name.clone(),
            line: self.record,
        }
    }

    fn failed(&self, id: Option<&str>, reason: impl std::fmt::Display) -> RawRecord {
        let place = self.place();
        RawRecord {
            body: Body::Failed {
                id: id.map_or_else(|| place.to_string(), str::to_string),
                error: format!("{place}: {reason}"),
            },
            place,
        }
    }

    /// The stream broke: one error line for the record in progress, then the end.
    fn broken(&mut self, id: Option<&str>, e: &std::io::Error) -> RawRecord {
        self.ended = true;
        let why = if e.kind() == std::io::ErrorKind::UnexpectedEof {
            "truncated record: the input ends inside it".to_string()
        } else {
            format!("unreadable record: {e}")
        };
        self.failed(id, why)
    }

    /// Skips to the next line that starts a WARC record; keeps it for the next call.
    fn resync(&mut self) {
        loop {
            match self.line(MAX_HEADER) {
                Ok(Line::Got(l)) if l.starts_with(b"WARC/1.") => {
                    self.pending = Some(l);
                    return;
                }
                Ok(Line::Got(_)) => {}
                Ok(Line::Eof) | Err(_) => {
                    self.ended = true;
                    return;
                }
            }
        }
    }

    /// Reads `n` body bytes into memory, or past them (`keep` false).
    fn body(&mut self, n: u64, keep: bool) -> std::io::Result<Vec<u8>> {
        let mut taken = <&mut R as Read>::take(&mut self.reader, n);
        let mut v = Vec::new();
        let got = if keep {
            v.reserve(n as usize);
            taken.read_to_end(&mut v)? as u64
        } else {
            std::io::copy(&mut taken, &mut std::io::sink())?
        };
        if got < n {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        Ok(v)
    }

    /// The blank lines that end a record (`\r\n\r\n`), leniently: any CR/LF bytes.
    fn end_of_record(&mut self) -> std::io::Result<()> {
        loop {
            let avail = self.reader.fill_buf()?;
            let n = avail
                .iter()
                .take_while(|&&b| b == b'\r' || b == b'\n')
                .count();
            if n == 0 {
                return Ok(());
            }
            self.reader.consume(n);
        }
    }

    /// The header lines after the version line, up to the blank line.
    fn header(&mut self) -> std::io::Result<std::result::Result<Header, String>> {
        let mut h = Header::default();
        let mut size = 0usize;
        loop {
            let line = match self.line(MAX_HEADER)? {
                Line::Eof => return Err(std::io::ErrorKind::UnexpectedEof.into()),
                Line::Got(l) => l,
            };
            if line.is_empty() {
                return Ok(Ok(h));
            }
            size += line.len();
            if size > MAX_HEADER {
                return Ok(Err(format!(
                    "corrupt record: WARC header over {MAX_HEADER} bytes"
                )));
            }
            let line = String::from_utf8_lossy(&line);
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            let value = value.trim();
            match name.trim().to_ascii_lowercase().as_str() {
                "warc-type" => h.kind = value.to_ascii_lowercase(),
                "content-length" => h.length = value.parse().ok(),
                // WARC 1.0 wrote the URI in angle brackets.
                "warc-target-uri" => {
                    h.uri = Some(value.trim_start_matches('<').trim_end_matches('>').into())
                }
                "content-type" => h.content_type = Some(value.to_ascii_lowercase()),
                _ => {}
            }
        }
    }
}

impl<R: BufRead> RecordSource for WarcSource<R> {
    fn next_record(&mut self) -> Result<Option<RawRecord>> {
        loop {
            if self.ended {
                return Ok(None);
            }
            let first = match self.pending.take() {
                Some(l) => l,
                None => match self.line(MAX_HEADER) {
                    Ok(Line::Eof) => return Ok(None),
                    Ok(Line::Got(l)) if l.is_empty() => continue,
                    Ok(Line::Got(l)) => l,
                    Err(e) => {
                        self.record += 1;
                        return Ok(Some(self.broken(None, &e)));
                    }
                },
            };
            self.record += 1;
            if !first.starts_with(b"WARC/") {
                let rec = self.failed(None, "corrupt record: no `WARC/` version line");
                self.resync();
                return Ok(Some(rec));
            }
            let h = match self.header() {
                Ok(Ok(h)) => h,
                Ok(Err(why)) => {
                    let rec = self.failed(None, why);
                    self.resync();
                    return Ok(Some(rec));
                }
                Err(e) => return Ok(Some(self.broken(None, &e))),
            };
            let id = h.uri.as_deref();
            let Some(length) = h.length else {
                let rec = self.failed(id, "corrupt record: no valid Content-Length");
                self.resync();
                return Ok(Some(rec));
            };
            let response = h.kind == "response";
            let keep = response && length <= self.max_payload as u64;
            let bytes = match self.body(length, keep) {
                Ok(b) => b,
                Err(e) => return Ok(Some(self.broken(id, &e))),
            };
            if let Err(e) = self.end_of_record() {
                // The record itself is whole; the next read reports the stream's state.
                tracing::debug!("{}: after record {}: {e}", self.name, self.record);
            }
            if !response {
                self.other.fetch_add(1, Ordering::Relaxed);
                continue;
            }
            if !keep {
                let why = format!(
                    "record payload is {length} bytes, over the limit of {} \
                     (4 × --max-text-bytes + 64 KiB)",
                    self.max_payload
                );
                return Ok(Some(self.failed(id, why)));
            }
            let place = self.place();
            let id = h.uri.clone().unwrap_or_else(|| place.to_string());
            let ct = h.content_type.as_deref().unwrap_or("application/http");
            // `response` records of other protocols (dns:, ftp:) carry the payload bare.
            let body = if ct.starts_with("application/http") {
                Body::Web {
                    id,
                    url: h.uri,
                    bytes,
                    http: true,
                }
            } else if ct.starts_with("text/html") || ct.starts_with("application/xhtml") {
                Body::Web {
                    id,
                    url: h.uri,
                    bytes,
                    http: false,
                }
            } else {
                let mime = ct.split(';').next().unwrap_or_default().trim();
                Body::Skipped {
                    id,
                    url: h.uri,
                    reason: format!("content type {mime}"),
                }
            };
            return Ok(Some(RawRecord { place, body }));
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::Write;

    /// One WARC record: version line, headers, body, the two CRLFs.
    pub(crate) fn record(kind: &str, uri: Option<&str>, ct: &str, body: &[u8]) -> Vec<u8> {
        let mut h = format!("WARC/1.1\r\nWARC-Type: {kind}\r\n");
        if let Some(u) = uri {
            h += &format!("WARC-Target-URI: {u}\r\n");
        }
        h += &format!(
            "WARC-Date: 2024-03-05T10:00:00Z\r\nContent-Type: {ct}\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        let mut v = h.into_bytes();
        v.extend_from_slice(body);
        v.extend_from_slice(b"\r\n\r\n");
        v
    }

    pub(crate) fn gzip_member(b: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(b).unwrap();
        e.finish().unwrap()
    }

    pub(crate) fn response(uri: &str, http: &[u8]) -> Vec<u8> {
        record(
            "response",
            Some(uri),
            "application/http; msgtype=response",
            http,
        )
    }

    /// Reads every record of `bytes` (gzip undone as `open_stream` does): a summary of
    /// each and the count of records without a line.
    fn read_all(bytes: &[u8], max: usize) -> (Vec<String>, usize) {
        let other = Arc::new(AtomicUsize::new(0));
        let stream: Box<dyn BufRead> = if bytes.starts_with(&[0x1f, 0x8b]) {
            Box::new(std::io::BufReader::new(
                flate2::bufread::MultiGzDecoder::new(bytes),
            ))
        } else {
            Box::new(bytes)
        };
        let mut src = WarcSource::new(stream, "in.warc", max, other.clone());
        let mut v = Vec::new();
        while let Some(r) = src.next_record().unwrap() {
            v.push(match r.body {
                Body::Web {
                    id, bytes, http, ..
                } => {
                    format!("{}={id} web http={http} {}", r.place, bytes.len())
                }
                Body::Skipped { id, reason, .. } => format!("{}={id} skipped {reason}", r.place),
                Body::Failed { id, error } => format!("{}={id} failed {error}", r.place),
                _ => unreachable!(),
            });
        }
        (v, other.load(Ordering::Relaxed))
    }

    fn sample() -> Vec<Vec<u8>> {
        vec![
            record(
                "warcinfo",
                None,
                "application/warc-fields",
                b"software: test\r\n",
            ),
            record(
                "request",
                Some("https://a.example/1"),
                "application/http; msgtype=request",
                b"GET /1 HTTP/1.1\r\n\r\n",
            ),
            response(
                "https://a.example/1",
                b"HTTP/1.1 200 OK\r\n\r\n<html>one</html>",
            ),
            response("https://a.example/404", b"HTTP/1.1 404 Not Found\r\n\r\n"),
            record(
                "response",
                Some("dns:a.example"),
                "text/dns",
                b"a.example. A 1.2.3.4",
            ),
            record(
                "metadata",
                Some("https://a.example/1"),
                "application/warc-fields",
                b"fetchTimeMs: 5\r\n",
            ),
        ]
    }

    fn want() -> Vec<String> {
        vec![
            "in.warc:3=https://a.example/1 web http=true 35".to_string(),
            "in.warc:4=https://a.example/404 web http=true 26".to_string(),
            "in.warc:5=dns:a.example skipped content type text/dns".to_string(),
        ]
    }

    #[test]
    fn responses_are_records_and_other_types_are_counted() {
        let plain: Vec<u8> = sample().concat();
        assert_eq!(read_all(&plain, 1 << 20), (want(), 3));
        // One gzip member per record, as .warc.gz files are written.
        let gz: Vec<u8> = sample().iter().flat_map(|r| gzip_member(r)).collect();
        assert_eq!(read_all(&gz, 1 << 20), (want(), 3));
    }

    #[test]
    fn a_truncated_last_record_is_an_error_line_and_the_end() {
        let mut recs = sample();
        recs.push(response(
            "https://a.example/cut",
            b"HTTP/1.1 200 OK\r\n\r\n<html>a long page</html>",
        ));
        let mut plain = recs.concat();
        plain.truncate(plain.len() - 20);
        let (got, other) = read_all(&plain, 1 << 20);
        assert_eq!(other, 3);
        assert_eq!(got[..3], want()[..]);
        assert_eq!(
            got[3],
            "in.warc:7=https://a.example/cut failed in.warc:7: truncated record: \
             the input ends inside it"
        );
        assert_eq!(got.len(), 4);
        // Gzip members: the last one cut in the middle (no trailer) fails the same way;
        // so does one cut inside the WARC header.
        let mut gz: Vec<u8> = recs.iter().flat_map(|r| gzip_member(r)).collect();
        gz.truncate(gz.len() - 30);
        let (got, _) = read_all(&gz, 1 << 20);
        assert_eq!(got.len(), 4, "{got:?}");
        assert!(got[3].contains("in.warc:7: "), "{}", got[3]);
        assert!(got[3].contains("failed"), "{}", got[3]);
        let mut cut_header = sample().concat();
        cut_header.extend_from_slice(b"WARC/1.1\r\nWARC-Type: resp");
        let (got, _) = read_all(&cut_header, 1 << 20);
        assert_eq!(
            got[3],
            "in.warc:7=in.warc:7 failed in.warc:7: truncated record: the input ends inside it"
        );
    }

    #[test]
    fn a_corrupt_record_is_reported_and_reading_resumes() {
        let mut recs = sample();
        // Garbage where a record should start, then a record with no Content-Length.
        recs.insert(3, b"junk line\r\nmore junk\r\n\r\n".to_vec());
        recs.insert(
            4,
            b"WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: https://x\r\n\r\nbody\r\n\r\n"
                .to_vec(),
        );
        let (got, other) = read_all(&recs.concat(), 1 << 20);
        assert_eq!(other, 3);
        assert_eq!(got.len(), 5, "{got:?}");
        assert_eq!(got[0], want()[0]);
        assert_eq!(
            got[1],
            "in.warc:4=in.warc:4 failed in.warc:4: corrupt record: no `WARC/` version line"
        );
        assert_eq!(
            got[2],
            "in.warc:5=https://x failed in.warc:5: corrupt record: no valid Content-Length"
        );
        assert!(got[3].ends_with("404 web http=true 26"), "{}", got[3]);
    }

    #[test]
    fn an_over_limit_payload_is_streamed_past() {
        let big = vec![b'x'; 5000];
        let recs = [
            response("https://big", &big),
            response("https://small", b"HTTP/1.1 200 OK\r\n\r\nok"),
        ];
        let (got, _) = read_all(&recs.concat(), 1000);
        assert!(
            got[0].starts_with("in.warc:1=https://big failed")
                && got[0].contains("5000 bytes, over the limit of 1000"),
            "{got:?}"
        );
        assert_eq!(got[1], "in.warc:2=https://small web http=true 21");
    }
}
