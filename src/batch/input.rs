//! Record sources: every input format (JSON Lines, plain or compressed; one text
//! file; a directory tree of `.txt` (and `.html`) files; a tar archive of `.txt`
//! files; HTML pages; WARC web archives, in `super::warc`; standard input) read
//! lazily as one stream of raw records, in input order. Parsing and checks that
//! cost CPU happen later, in parallel; a record that cannot even be read (an
//! unreadable file, an over-long line) becomes a `Body::Failed` in its place.

use super::warc::WarcSource;
use crate::error::{Error, Result};
use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};

/// How an input is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// JSON Lines, `{"id", "text"}` per line (plain, gzip or zstd: sniffed).
    Jsonl,
    /// The whole input is one plain-text document (id = file name, `stdin`).
    Text,
    /// A directory tree of `.txt` files, one document each (id = relative path).
    Dir,
    /// A tar archive (plain, gzip or zstd) of `.txt` files (id = path in the archive).
    Tar,
    /// A WARC web archive (plain, gzip or zstd): one record per `response` (id = URI).
    Warc,
    /// One HTML page, or a directory tree of `.html`/`.htm` pages (id = relative path).
    Html,
}

impl Format {
    /// The format a path implies: a directory, `.tar`/`.tar.gz`/`.tgz`/`.tar.zst`,
    /// `.warc`/`.warc.gz`/`.warc.zst`, `.html`/`.htm`, `.txt`, else JSON Lines (also
    /// for `-`, standard input; a JSON Lines input that starts with `WARC/1.` once
    /// decompressed is read as WARC, see [`Inputs`]).
    pub fn detect(path: &Path) -> Format {
        if path == Path::new("-") {
            return Format::Jsonl;
        }
        if path.is_dir() {
            return Format::Dir;
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        if [".tar", ".tar.gz", ".tgz", ".tar.zst", ".tzst"]
            .iter()
            .any(|e| name.ends_with(e))
        {
            Format::Tar
        } else if [".warc", ".warc.gz", ".warc.zst"]
            .iter()
            .any(|e| name.ends_with(e))
        {
            Format::Warc
        } else if name.ends_with(".html") || name.ends_with(".htm") {
            Format::Html
        } else if name.ends_with(".txt") {
            Format::Text
        } else {
            Format::Jsonl
        }
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Format, String> {
        match s {
            "jsonl" => Ok(Format::Jsonl),
            "text" => Ok(Format::Text),
            "dir" => Ok(Format::Dir),
            "tar" => Ok(Format::Tar),
            "warc" => Ok(Format::Warc),
            "html" => Ok(Format::Html),
            other => Err(format!(
                "unknown input format `{other}` (expected jsonl, text, dir or tar; \
                 warc or html for web pages)"
            )),
        }
    }
}

/// Where a record came from, for error messages: `source:line` or `source`.
#[derive(Debug, Clone)]
pub(crate) struct Place {
    pub source: Arc<str>,
    /// 1-based line for JSON Lines; 0 when the record is a whole file.
    pub line: usize,
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line > 0 {
            write!(f, "{}:{}", self.source, self.line)
        } else {
            f.write_str(&self.source)
        }
    }
}

/// One input record, read but not yet parsed.
pub(crate) enum Body {
    /// One JSON Lines line (without its newline).
    Json(Vec<u8>),
    /// A whole text document.
    Text { id: String, bytes: Vec<u8> },
    /// A web page: an HTTP response from a WARC record (`http`), or an HTML file.
    /// Parsed and extracted by the workers ([`super::html`]).
    Web {
        id: String,
        url: Option<String>,
        bytes: Vec<u8>,
        http: bool,
    },
    /// A record that is not a document (a WARC response of another protocol); it
    /// gets a `skipped` line in its place.
    Skipped {
        id: String,
        url: Option<String>,
        reason: String,
    },
    /// A record that could not be read; it still gets its line in the output.
    Failed { id: String, error: String },
}

pub(crate) struct RawRecord {
    pub place: Place,
    pub body: Body,
}

impl RawRecord {
    /// Raw size, to bound the memory of a chunk.
    pub fn weight(&self) -> usize {
        match &self.body {
            Body::Json(b) | Body::Text { bytes: b, .. } | Body::Web { bytes: b, .. } => b.len(),
            Body::Failed { error, .. } => error.len(),
            Body::Skipped { reason, .. } => reason.len(),
        }
    }
}

/// A stream of records in input order.
pub(crate) trait RecordSource {
    /// The next record, `None` at the end.
    ///
    /// # Errors
    /// An I/O failure that ends the stream (not a bad record).
    fn next_record(&mut self) -> Result<Option<RawRecord>>;

    /// Input bytes consumed so far, for progress (0 where unknown).
    fn position(&self) -> u64 {
        0
    }

    /// Whether the next record can be read without waiting on a writer: only a
    /// pipe on standard input can say no, so the run loop answers what it has
    /// before it blocks. Files are always ready.
    fn ready(&self) -> bool {
        true
    }

    /// Records read that give no output line (WARC records other than responses).
    fn other_records(&self) -> usize {
        0
    }
}

/// Whether standard input has bytes (or its end) to read now, without blocking.
#[cfg(unix)]
fn stdin_ready() -> bool {
    let mut fd = libc::pollfd {
        fd: 0,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd, a zero timeout; poll only writes `revents`.
    let n = unsafe { libc::poll(&mut fd, 1, 0) };
    // On a poll failure, claim readiness: the caller then blocks, as it would
    // without this check.
    n != 0
}

#[cfg(not(unix))]
fn stdin_ready() -> bool {
    true
}

/// Counts the bytes read from the underlying files (compressed bytes for compressed
/// inputs), so progress can show a fraction of a known size.
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

type ByteStream = Box<dyn BufRead + Send>;

/// Opens `path` (`-` is standard input) and undoes gzip or zstd compression, detected
/// from the first bytes rather than the name, so compressed standard input works too.
fn open_stream(path: &Path, count: &Arc<AtomicU64>) -> Result<ByteStream> {
    let name = super::display_name(path);
    let raw: Box<dyn Read + Send> = if path == Path::new("-") {
        Box::new(std::io::stdin())
    } else {
        Box::new(File::open(path).map_err(|e| Error::io(path, e))?)
    };
    let mut raw = Counting {
        inner: raw,
        count: count.clone(),
    };
    // Peek at the magic without losing it: read up to 4 bytes, then chain them back.
    let mut head = Vec::with_capacity(4);
    (&mut raw)
        .take(4)
        .read_to_end(&mut head)
        .map_err(|e| Error::io(&name, e))?;
    let magic = head.clone();
    let joined = BufReader::with_capacity(1 << 16, std::io::Cursor::new(head).chain(raw));
    Ok(if magic.starts_with(&[0x1f, 0x8b]) {
        Box::new(BufReader::with_capacity(
            1 << 16,
            flate2::bufread::MultiGzDecoder::new(joined),
        ))
    } else if magic == [0x28, 0xb5, 0x2f, 0xfd] {
        Box::new(BufReader::with_capacity(
            1 << 16,
            zstd::Decoder::with_buffer(joined).map_err(|e| Error::io(&name, e))?,
        ))
    } else {
        Box::new(joined)
    })
}

/// Longest accepted JSON Lines line for a text limit: JSON escapes (`\u00e9`) can
/// triple the size of a text, so allow four times the limit plus room for the id.
fn line_limit(max_text_bytes: usize) -> usize {
    max_text_bytes.saturating_mul(4).saturating_add(64 << 10)
}

/// Reads JSON Lines; blank lines are skipped (they are not records).
///
/// A stream that fails part way (a truncated or corrupt `.gz`/`.zst`, a read error)
/// keeps every line read before the failure, then gives one `Failed` record naming
/// the input and the decompressed offset, and ends: the run goes on with the next
/// input.
pub(crate) struct JsonlSource<R> {
    reader: R,
    name: Arc<str>,
    line: usize,
    limit: usize,
    /// Decompressed bytes consumed, for the message of a failing stream.
    offset: u64,
    /// The stream failed and its error record was given.
    failed: bool,
}

impl<R: BufRead> JsonlSource<R> {
    pub fn new(reader: R, name: &str, max_text_bytes: usize) -> Self {
        JsonlSource {
            reader,
            name: name.into(),
            line: 0,
            limit: line_limit(max_text_bytes),
            offset: 0,
            failed: false,
        }
    }

    /// Reads one line into `buf` (see [`read_bounded_line`]).
    fn read_line(&mut self, buf: &mut Vec<u8>) -> std::io::Result<(usize, bool)> {
        read_bounded_line(&mut self.reader, buf, self.limit)
    }
}

/// Reads one line into `buf` (without its newline), keeping at most `limit` bytes so a
/// huge line cannot exhaust memory (the rest is consumed). Returns (bytes in the line,
/// whether the stream ended instead of a newline).
pub(crate) fn read_bounded_line(
    reader: &mut impl BufRead,
    buf: &mut Vec<u8>,
    limit: usize,
) -> std::io::Result<(usize, bool)> {
    let mut total = 0usize;
    loop {
        let avail = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if avail.is_empty() {
            return Ok((total, true));
        }
        let (take, done) = match avail.iter().position(|&b| b == b'\n') {
            Some(i) => (i, true),
            None => (avail.len(), false),
        };
        let room = limit.saturating_sub(buf.len());
        buf.extend_from_slice(&avail[..take.min(room)]);
        total += take;
        reader.consume(take + usize::from(done));
        if done {
            return Ok((total, false));
        }
    }
}

impl<R: BufRead> RecordSource for JsonlSource<R> {
    fn next_record(&mut self) -> Result<Option<RawRecord>> {
        loop {
            if self.failed {
                return Ok(None);
            }
            let mut buf = Vec::new();
            let (n, eof) = match self.read_line(&mut buf) {
                Ok(x) => x,
                Err(e) => {
                    // What was read before stays; this record says where it stopped.
                    self.failed = true;
                    self.line += 1;
                    return Ok(Some(RawRecord {
                        body: Body::Failed {
                            id: format!("line {}", self.line),
                            error: format!(
                                "{}: unreadable from line {} (decompressed byte {}) on: {e}; \
                                 the records before it were classified, the rest of this \
                                 input is lost",
                                self.name, self.line, self.offset
                            ),
                        },
                        place: Place {
                            source: self.name.clone(),
                            line: self.line,
                        },
                    }));
                }
            };
            if eof && n == 0 {
                return Ok(None);
            }
            self.offset += n as u64 + u64::from(!eof);
            self.line += 1;
            let place = Place {
                source: self.name.clone(),
                line: self.line,
            };
            if n > self.limit {
                return Ok(Some(RawRecord {
                    body: Body::Failed {
                        id: format!("line {}", self.line),
                        error: format!(
                            "{place}: line is {n} bytes, over the limit of {} \
                             (4 × --max-text-bytes + 64 KiB)",
                            self.limit
                        ),
                    },
                    place,
                }));
            }
            if buf.last() == Some(&b'\r') {
                buf.pop();
            }
            if buf.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            return Ok(Some(RawRecord {
                place,
                body: Body::Json(buf),
            }));
        }
    }
}

/// Longest accepted web page (an HTML file or a WARC record's payload): markup makes
/// a page several times its text, so the same allowance as a JSON line.
pub(crate) fn page_limit(max_text_bytes: usize) -> usize {
    line_limit(max_text_bytes)
}

/// Reads a whole document from `r` (an HTML page when `html`), refusing more than
/// `max` bytes of text (or [`page_limit`] bytes of HTML) without reading them all.
fn read_doc(
    r: impl Read,
    id: &str,
    place: &Place,
    max: usize,
    html: bool,
) -> std::io::Result<Body> {
    let limit = if html { page_limit(max) } else { max };
    let mut bytes = Vec::new();
    r.take(limit as u64 + 1).read_to_end(&mut bytes)?;
    let id = id.to_string();
    Ok(if bytes.len() > limit {
        let what = if html { "page" } else { "text" };
        Body::Failed {
            id,
            error: format!("{place}: {what} is over the limit of {limit} bytes"),
        }
    } else if html {
        Body::Web {
            id,
            url: None,
            bytes,
            http: false,
        }
    } else {
        Body::Text { id, bytes }
    })
}

/// One file (or standard input) as one document (an HTML page when `html`).
struct TextSource {
    path: PathBuf,
    max: usize,
    html: bool,
    count: Arc<AtomicU64>,
    done: bool,
}

impl RecordSource for TextSource {
    fn next_record(&mut self) -> Result<Option<RawRecord>> {
        if std::mem::replace(&mut self.done, true) {
            return Ok(None);
        }
        let name = super::display_name(&self.path);
        let id = if self.path == Path::new("-") {
            "stdin".to_string()
        } else {
            self.path
                .file_name()
                .map_or(name.clone(), |f| f.to_string_lossy().into_owned())
        };
        let place = Place {
            source: name.as_str().into(),
            line: 0,
        };
        let raw: Box<dyn Read> = if self.path == Path::new("-") {
            Box::new(std::io::stdin())
        } else {
            Box::new(File::open(&self.path).map_err(|e| Error::io(&self.path, e))?)
        };
        let r = Counting {
            inner: raw,
            count: self.count.clone(),
        };
        let body =
            read_doc(r, &id, &place, self.max, self.html).map_err(|e| Error::io(&name, e))?;
        Ok(Some(RawRecord { place, body }))
    }
}

/// Walks a directory tree depth-first in name order, yielding `.txt` files and
/// `.html`/`.htm` pages (only pages with `html_only`). Only the listings of the
/// directories on the current path are held, so a tree of millions of files streams.
/// Symbolic links to directories are not followed (no cycles).
struct DirSource {
    root: PathBuf,
    root_name: Arc<str>,
    /// Per open directory: its remaining entries (relative paths), in order.
    stack: Vec<VecDeque<(PathBuf, bool)>>,
    max: usize,
    count: Arc<AtomicU64>,
    skipped: usize,
    started: bool,
    html_only: bool,
}

impl DirSource {
    fn new(root: &Path, max: usize, count: Arc<AtomicU64>, html_only: bool) -> DirSource {
        DirSource {
            root: root.to_path_buf(),
            root_name: super::display_name(root).into(),
            stack: Vec::new(),
            max,
            count,
            skipped: 0,
            started: false,
            html_only,
        }
    }

    /// Lists one directory: (relative path, is a directory), sorted by name.
    fn list(&self, rel: &Path) -> std::io::Result<VecDeque<(PathBuf, bool)>> {
        let mut v = Vec::new();
        for e in std::fs::read_dir(self.root.join(rel))? {
            let e = e?;
            let ft = e.file_type()?;
            // Symlinks are never followed into directories (no cycles); any other
            // symlink is a file, so a dangling one becomes an error line, not a gap.
            let is_dir = ft.is_dir();
            let is_file =
                ft.is_file() || (ft.is_symlink() && !e.path().metadata().is_ok_and(|m| m.is_dir()));
            if is_dir || is_file {
                v.push((rel.join(e.file_name()), is_dir));
            }
        }
        v.sort();
        Ok(v.into())
    }

    fn id(rel: &Path) -> String {
        // Forward slashes on every platform, so ids are stable across machines.
        rel.components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/")
    }

    fn failed(&self, rel: &Path, what: &str, e: &std::io::Error) -> RawRecord {
        let id = Self::id(rel);
        let place = Place {
            source: format!("{}/{id}", self.root_name).into(),
            line: 0,
        };
        RawRecord {
            body: Body::Failed {
                id,
                error: format!("{place}: cannot {what}: {e}"),
            },
            place,
        }
    }
}

impl RecordSource for DirSource {
    fn next_record(&mut self) -> Result<Option<RawRecord>> {
        if !self.started {
            self.started = true;
            let top = self
                .list(Path::new(""))
                .map_err(|e| Error::io(&self.root, e))?;
            self.stack.push(top);
        }
        loop {
            let Some(level) = self.stack.last_mut() else {
                if self.skipped > 0 {
                    let kinds = if self.html_only {
                        "*.html or *.htm"
                    } else {
                        "*.txt, *.html or *.htm"
                    };
                    tracing::warn!(
                        "{}: skipped {} files not named {kinds}",
                        self.root_name,
                        self.skipped
                    );
                }
                return Ok(None);
            };
            let Some((rel, is_dir)) = level.pop_front() else {
                self.stack.pop();
                continue;
            };
            if is_dir {
                match self.list(&rel) {
                    Ok(entries) => self.stack.push(entries),
                    // An unreadable directory is one error line: its files are unknown.
                    Err(e) => return Ok(Some(self.failed(&rel, "read directory", &e))),
                }
                continue;
            }
            let ext = |e: &str| rel.extension().is_some_and(|x| x.eq_ignore_ascii_case(e));
            let html = ext("html") || ext("htm");
            if !(html || ext("txt") && !self.html_only) {
                self.skipped += 1;
                continue;
            }
            let rec = match File::open(self.root.join(&rel)) {
                Ok(f) => {
                    let id = Self::id(&rel);
                    let place = Place {
                        source: format!("{}/{id}", self.root_name).into(),
                        line: 0,
                    };
                    let r = Counting {
                        inner: f,
                        count: self.count.clone(),
                    };
                    match read_doc(r, &id, &place, self.max, html) {
                        Ok(body) => RawRecord { place, body },
                        Err(e) => self.failed(&rel, "read", &e),
                    }
                }
                Err(e) => self.failed(&rel, "open", &e),
            };
            return Ok(Some(rec));
        }
    }
}

/// Reads a tar archive on its own thread (the `tar` crate's entries borrow the
/// archive) and hands records over through a small bounded channel.
struct TarSource {
    rx: mpsc::Receiver<Result<RawRecord>>,
}

impl TarSource {
    fn new(stream: ByteStream, name: String, max: usize) -> TarSource {
        let (tx, rx) = mpsc::sync_channel(16);
        std::thread::spawn(move || {
            let name: Arc<str> = name.into();
            if let Err(e) = tar_entries(stream, &name, max, &tx) {
                // The entries sent so far stay; one error record ends this archive and
                // the run goes on with the next input.
                let _ = tx.send(Ok(RawRecord {
                    body: Body::Failed {
                        id: name.to_string(),
                        error: format!(
                            "{e}; the entries before it were classified, the rest of this \
                             archive is lost"
                        ),
                    },
                    place: Place {
                        source: name,
                        line: 0,
                    },
                }));
            }
        });
        TarSource { rx }
    }
}

/// Sends every `.txt` entry; stops quietly when the receiver is gone.
fn tar_entries(
    stream: ByteStream,
    name: &Arc<str>,
    max: usize,
    tx: &mpsc::SyncSender<Result<RawRecord>>,
) -> Result<()> {
    let mut archive = tar::Archive::new(stream);
    let io = |e| Error::io(&**name, e);
    for entry in archive.entries().map_err(io)? {
        let entry = entry.map_err(io)?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let path = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let id = path.strip_prefix("./").unwrap_or(&path).to_string();
        if !id.to_ascii_lowercase().ends_with(".txt") {
            continue;
        }
        let place = Place {
            source: format!("{name}:{id}").into(),
            line: 0,
        };
        let body = match read_doc(entry, &id, &place, max, false) {
            Ok(b) => b,
            // The entry's bytes are the archive's: a failure here ends the archive.
            Err(e) => return Err(io(e)),
        };
        if tx.send(Ok(RawRecord { place, body })).is_err() {
            return Ok(());
        }
    }
    Ok(())
}

impl RecordSource for TarSource {
    fn next_record(&mut self) -> Result<Option<RawRecord>> {
        match self.rx.recv() {
            Ok(r) => r.map(Some),
            Err(_) => Ok(None),
        }
    }
}

/// The inputs of one run, opened one after another as the stream reaches them.
pub struct Inputs {
    /// Each input, its format, and whether the format was guessed from the name (a
    /// guessed JSON Lines input is sniffed for WARC).
    pending: VecDeque<(PathBuf, Format, bool)>,
    current: Option<Box<dyn RecordSource>>,
    /// The current input is standard input (see [`RecordSource::ready`]).
    current_stdin: bool,
    max_text_bytes: usize,
    count: Arc<AtomicU64>,
    /// WARC records that give no output line, over all inputs.
    other: Arc<AtomicUsize>,
    total_bytes: Option<u64>,
    names: Vec<String>,
}

impl Inputs {
    /// Checks that every input exists (so a typo fails before any output is written)
    /// and notes their sizes. `format` overrides detection for all of them.
    ///
    /// # Errors
    /// [`Error::Io`] naming a missing or unreadable input.
    pub fn new(paths: &[PathBuf], format: Option<Format>, max_text_bytes: usize) -> Result<Inputs> {
        let mut pending = VecDeque::new();
        let mut total = Some(0u64);
        let mut names = Vec::new();
        for p in paths {
            let f = format.unwrap_or_else(|| Format::detect(p));
            // `--format html` on a directory walks its pages.
            let walks = matches!(f, Format::Dir | Format::Html);
            names.push(super::display_name(p));
            if p == Path::new("-") {
                total = None;
            } else {
                let m = std::fs::metadata(p).map_err(|e| Error::io(p, e))?;
                if f == Format::Dir && !m.is_dir() {
                    return Err(Error::invalid(format!(
                        "{}: --format dir needs a directory",
                        p.display()
                    )));
                } else if walks && m.is_dir() {
                    total = None; // unknown without walking the tree twice
                } else if m.is_dir() {
                    return Err(Error::invalid(format!(
                        "{}: is a directory (use --format dir, or drop --format)",
                        p.display()
                    )));
                } else {
                    total = total.map(|t| t + m.len());
                }
            }
            pending.push_back((p.clone(), f, format.is_none()));
        }
        Ok(Inputs {
            pending,
            current: None,
            current_stdin: false,
            max_text_bytes,
            count: Arc::new(AtomicU64::new(0)),
            other: Arc::new(AtomicUsize::new(0)),
            total_bytes: total,
            names,
        })
    }

    /// Total size of the inputs, when known (not for standard input or directories).
    pub fn total_bytes(&self) -> Option<u64> {
        self.total_bytes
    }

    /// The inputs as named in messages.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    fn open(&self, path: &Path, format: Format, guessed: bool) -> Result<Box<dyn RecordSource>> {
        let max = self.max_text_bytes;
        let name = super::display_name(path);
        let warc = |stream| -> Box<dyn RecordSource> {
            Box::new(WarcSource::new(
                stream,
                &name,
                page_limit(max),
                self.other.clone(),
            ))
        };
        Ok(match format {
            Format::Jsonl => {
                let mut stream = open_stream(path, &self.count)?;
                // A web archive without a .warc name (a CC-NEWS download renamed, a
                // pipe): its decompressed content starts with the WARC version line.
                let is_warc = guessed
                    && stream
                        .fill_buf()
                        .map_err(|e| Error::io(&name, e))?
                        .starts_with(b"WARC/1.");
                if is_warc {
                    warc(stream)
                } else {
                    Box::new(JsonlSource::new(stream, &name, max))
                }
            }
            Format::Warc => warc(open_stream(path, &self.count)?),
            Format::Html if path != Path::new("-") && path.is_dir() => {
                Box::new(DirSource::new(path, max, self.count.clone(), true))
            }
            Format::Text | Format::Html => Box::new(TextSource {
                path: path.to_path_buf(),
                max,
                html: format == Format::Html,
                count: self.count.clone(),
                done: false,
            }),
            Format::Dir => Box::new(DirSource::new(path, max, self.count.clone(), false)),
            Format::Tar => Box::new(TarSource::new(open_stream(path, &self.count)?, name, max)),
        })
    }
}

impl RecordSource for Inputs {
    fn position(&self) -> u64 {
        self.count.load(Ordering::Relaxed)
    }

    fn other_records(&self) -> usize {
        self.other.load(Ordering::Relaxed)
    }

    fn ready(&self) -> bool {
        !(self.current.is_some() && self.current_stdin) || stdin_ready()
    }

    fn next_record(&mut self) -> Result<Option<RawRecord>> {
        loop {
            if let Some(src) = &mut self.current {
                if let Some(r) = src.next_record()? {
                    return Ok(Some(r));
                }
                self.current = None;
            }
            let Some((path, format, guessed)) = self.pending.pop_front() else {
                return Ok(None);
            };
            self.current_stdin = path == Path::new("-");
            self.current = Some(self.open(&path, format, guessed)?);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_follow_the_path() {
        for (p, f) in [
            ("-", Format::Jsonl),
            ("a.jsonl", Format::Jsonl),
            ("a.jsonl.gz", Format::Jsonl),
            ("a.jsonl.zst", Format::Jsonl),
            ("x.tar", Format::Tar),
            ("X.TGZ", Format::Tar),
            ("x.tar.zst", Format::Tar),
            ("story.txt", Format::Text),
            ("cc-news.warc", Format::Warc),
            ("CC-NEWS-2024.warc.gz", Format::Warc),
            ("a.warc.zst", Format::Warc),
            ("page.html", Format::Html),
            ("PAGE.HTM", Format::Html),
            ("a.html.gz", Format::Jsonl),
        ] {
            assert_eq!(Format::detect(Path::new(p)), f, "{p}");
        }
        assert_eq!("dir".parse::<Format>(), Ok(Format::Dir));
        assert_eq!("warc".parse::<Format>(), Ok(Format::Warc));
        assert_eq!("html".parse::<Format>(), Ok(Format::Html));
        assert!("xml".parse::<Format>().unwrap_err().contains("`xml`"));
    }

    fn ids(src: &mut dyn RecordSource) -> Vec<String> {
        let mut v = Vec::new();
        while let Some(r) = src.next_record().unwrap() {
            v.push(match r.body {
                Body::Json(b) => format!("{}={}", r.place, String::from_utf8(b).unwrap()),
                Body::Failed { id, .. } => format!("{}=failed {id}", r.place),
                Body::Text { id, .. } | Body::Web { id, .. } | Body::Skipped { id, .. } => id,
            });
        }
        v
    }

    #[test]
    fn jsonl_lines_keep_their_numbers() {
        let data = b"{\"a\":1}\r\n\n   \n{\"b\":2}\n{\"c\":3}";
        let mut src = JsonlSource::new(&data[..], "in", 1 << 20);
        assert_eq!(
            ids(&mut src),
            ["in:1={\"a\":1}", "in:4={\"b\":2}", "in:5={\"c\":3}"]
        );
    }

    #[test]
    fn an_over_long_line_is_one_failed_record_and_reading_goes_on() {
        let limit = line_limit(10);
        let data = format!("{}\n{{\"ok\":1}}\n", "x".repeat(limit + 5));
        // A tiny buffer makes the long line arrive in many pieces.
        let r = BufReader::with_capacity(7, data.as_bytes());
        let mut src = JsonlSource::new(r, "in", 10);
        assert_eq!(ids(&mut src), ["in:1=failed line 1", "in:2={\"ok\":1}"]);
    }
}
