//! Classifying archives in bulk: records in (JSON Lines plain or compressed, text
//! files, directory trees, tar archives, HTML pages, WARC web archives, standard
//! input), one output line per input record, in input order, errors in place
//! (DESIGN.md §4).
//!
//! - [`input`]: the formats, read lazily as one stream of raw records (`warc`:
//!   web archives);
//! - `html`: web pages to article text, run by the workers with the analysis;
//! - this module: the run loop. Records are gathered into chunks bounded in count
//!   and bytes; each chunk is analysed in parallel on the rayon pool while the
//!   calling thread reads the next one and writes finished ones in order. At most
//!   [`IN_FLIGHT`] chunks wait, so memory is flat however long the input is;
//! - [`output`]: plain or compressed output files;
//! - [`resume`]: continuing an interrupted run from its output;
//! - [`progress`]: progress snapshots and the final report.

mod html;
pub mod input;
pub mod output;
pub mod progress;
pub mod resume;
mod warc;

pub use input::{Format, Inputs};
pub use output::{Compression, Output};
pub use progress::{Progress, Report};
pub use resume::{open_resume, ResumePoint};

use crate::budget::Budget;
use crate::document::Document;
use crate::error::{Error, Result};
use crate::pipeline::Pipeline;
use crate::render::{self, OutputFormat};
use input::{Body, JsonlSource, Place, RawRecord, RecordSource};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, VecDeque};
use std::io::{BufRead, Write};
use std::path::Path;
use std::sync::mpsc;
use std::time::Instant;

/// Chunks analysed or waiting in the pool while the caller reads the next: two keep
/// every core busy across a chunk boundary without holding more input.
pub const IN_FLIGHT: usize = 2;

/// How to read and limit the input.
#[derive(Debug, Clone)]
pub struct BatchOptions {
    /// Largest accepted document text, in bytes.
    pub max_text_bytes: usize,
    /// Most records in one parallel chunk.
    pub chunk: usize,
    /// A chunk closes once its raw records reach this many bytes.
    pub chunk_bytes: usize,
    /// Copy each sentence's and quote's text into its line (`--no-text` turns it off;
    /// the spans are always there).
    pub include_text: bool,
    /// Output every attribution with its type (`--attributions`), not only reported
    /// speech.
    pub include_attributions: bool,
    /// Add the entity layer (`--entities`): every person and organisation with all
    /// its mentions.
    pub include_entities: bool,
    /// Longest analysis of one document; a document that takes longer gets an error
    /// line naming the limit (see [`crate::budget`]). `None`: no limit.
    pub max_analysis_time: Option<std::time::Duration>,
    /// What each record becomes: a JSON line, or a table or HTML section
    /// ([`crate::render`]); the caller writes an HTML page's head and tail.
    pub output_format: OutputFormat,
}

impl Default for BatchOptions {
    fn default() -> Self {
        BatchOptions {
            max_text_bytes: 16 << 20,
            chunk: 256,
            chunk_bytes: 2 << 20,
            include_text: true,
            include_attributions: false,
            include_entities: false,
            max_analysis_time: Some(crate::budget::DEFAULT_LIMIT),
            output_format: OutputFormat::Jsonl,
        }
    }
}

/// Counts of a finished run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Output lines (analyses, error lines and skipped lines).
    pub records: usize,
    pub errors: usize,
    pub sentences: usize,
    pub quotes: usize,
    /// Web records that are not articles (`skipped` lines): not errors.
    pub skipped: usize,
    /// The skipped records by reason (`HTTP 404`, `content type application/pdf` …).
    pub skipped_reasons: BTreeMap<String, usize>,
    /// WARC records other than responses (warcinfo, request, metadata, revisit):
    /// read and counted, no output line.
    pub other_warc_records: usize,
}

impl Summary {
    pub fn add(&mut self, o: &Summary) {
        self.records += o.records;
        self.errors += o.errors;
        self.sentences += o.sentences;
        self.quotes += o.quotes;
        self.skipped += o.skipped;
        for (reason, n) in &o.skipped_reasons {
            *self.skipped_reasons.entry(reason.clone()).or_default() += n;
        }
        self.other_warc_records += o.other_warc_records;
    }

    /// Counts one skipped record.
    pub fn skip(&mut self, reason: &str) {
        self.skipped += 1;
        *self.skipped_reasons.entry(reason.to_string()).or_default() += 1;
    }
}

/// The output line of a record that could not be processed: `{"id", "error"}` in
/// its place (DESIGN.md §4).
#[derive(Serialize)]
pub struct ErrorLine<'a> {
    pub id: &'a str,
    pub error: &'a str,
}

/// The line of a web record that is not an article.
#[derive(Serialize)]
struct SkipLine<'a> {
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
    skipped: &'a str,
}

/// Where a web page's analysis came from: carried beside the document, so the
/// output line can say it (and give the text its offsets index into).
struct WebMeta {
    url: Option<String>,
    title: Option<String>,
    date: Option<String>,
}

/// The output line of a web page: the analysis, plus the page's URL, title, date
/// and extracted `text` (which every `start`/`end` indexes, in code points).
#[derive(Serialize)]
struct WebLine<'a> {
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<&'a str>,
    sentences: &'a [crate::document::Sentence],
    quotes: &'a [crate::document::Quote],
    speakers: &'a [crate::document::SpeakerEntity],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    entities: &'a [crate::document::Entity],
    text: &'a str,
}

impl<'a> WebLine<'a> {
    fn new(a: &'a crate::document::Analysis, meta: &'a WebMeta, text: &'a str) -> Self {
        // Destructured so that a new Analysis field cannot be forgotten here.
        let crate::document::Analysis {
            id,
            sentences,
            quotes,
            speakers,
            entities,
        } = a;
        WebLine {
            id,
            url: meta.url.as_deref(),
            title: meta.title.as_deref(),
            date: meta.date.as_deref(),
            sentences,
            quotes,
            speakers,
            entities,
            text,
        }
    }
}

/// The id a JSON record reports: its `id` (string or number) or `line N`.
fn json_id(v: Option<&serde_json::Value>, line: usize) -> String {
    match v.and_then(|v| v.get("id")) {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Number(n)) => n.to_string(),
        _ => format!("line {line}"),
    }
}

/// Parses one JSONL record into a document; the `Err` carries the id (when it could
/// be read) and the reason.
fn parse_json(
    bytes: &[u8],
    place: &Place,
    opts: &BatchOptions,
) -> std::result::Result<Document, (String, String)> {
    let fallback = || json_id(None, place.line);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        (
            fallback(),
            format!("{place}: invalid UTF-8 at byte {}", e.valid_up_to()),
        )
    })?;
    let not_json = |e: serde_json::Error| (fallback(), format!("{place}: not JSON: {e}"));
    let v: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        // A lone surrogate escape (`"\ud800"`, which Python's json.dumps writes for
        // text decoded with surrogateescape) is no character: it is read as U+FFFD, one
        // code point for one, so the document is kept and every offset stays right.
        Err(_) if text.contains("\\ud") || text.contains("\\uD") => {
            serde_json::from_str(&replace_lone_surrogates(text)).map_err(not_json)?
        }
        Err(e) => return Err(not_json(e)),
    };
    let id = json_id(Some(&v), place.line);
    let serde_json::Value::Object(mut obj) = v else {
        return Err((
            id,
            format!("{place}: expected a JSON object, got {}", kind(&v)),
        ));
    };
    // Taken, not cloned: the text is the bulk of the record.
    let text = match obj.remove("text") {
        Some(serde_json::Value::String(s)) => s,
        Some(other) => {
            return Err((
                id,
                format!(
                    "{place}: expected a string for `text`, got {}",
                    kind(&other)
                ),
            ))
        }
        None => return Err((id, format!("{place}: missing `text`"))),
    };
    check_size(Document { id, text }, place, opts)
}

/// `json` with every `\uXXXX` escape of a surrogate that is not half of a valid pair
/// replaced by `\ufffd` (the same length, so byte places in the line stay).
fn replace_lone_surrogates(json: &str) -> String {
    let b = json.as_bytes();
    let hex = |at: usize| -> Option<u32> {
        let h = b.get(at..at + 4)?;
        u32::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok()
    };
    // A `\uXXXX` escape at `at` (pointing at the backslash), and its value.
    let escape_at = |at: usize| -> Option<u32> {
        (b.get(at) == Some(&b'\\') && b.get(at + 1) == Some(&b'u'))
            .then(|| hex(at + 2))
            .flatten()
    };
    let mut out = String::with_capacity(json.len());
    let mut last = 0;
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            i += 1;
            continue;
        }
        match escape_at(i) {
            Some(0xD800..=0xDBFF)
                if escape_at(i + 6).is_some_and(|lo| (0xDC00..=0xDFFF).contains(&lo)) =>
            {
                i += 12; // a valid pair
            }
            Some(0xD800..=0xDFFF) => {
                out.push_str(&json[last..i]);
                out.push_str("\\ufffd");
                i += 6;
                last = i;
            }
            // Any other escape, `\\` included: its second byte is not a backslash
            // that starts an escape.
            _ => i += 2,
        }
    }
    out.push_str(&json[last..]);
    out
}

fn check_size(
    doc: Document,
    place: &Place,
    opts: &BatchOptions,
) -> std::result::Result<Document, (String, String)> {
    if doc.text.len() > opts.max_text_bytes {
        let msg = format!(
            "{place}: text is {} bytes, over the limit of {}",
            doc.text.len(),
            opts.max_text_bytes
        );
        return Err((doc.id, msg));
    }
    Ok(doc)
}

fn kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// The id a record's output line will carry (checked when resuming).
fn record_id(r: &RawRecord) -> String {
    match &r.body {
        Body::Json(bytes) => {
            let v: Option<serde_json::Value> = serde_json::from_slice(bytes).ok();
            json_id(v.as_ref(), r.place.line)
        }
        Body::Text { id, .. }
        | Body::Failed { id, .. }
        | Body::Web { id, .. }
        | Body::Skipped { id, .. } => id.clone(),
    }
}

fn panic_message(p: &(dyn std::any::Any + Send)) -> &str {
    p.downcast_ref::<&str>()
        .copied()
        .or_else(|| p.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("unknown panic")
}

/// Analyses record number `index` (0-based over the whole output) into its output
/// line, or its table or HTML section (without the final newline).
fn process(
    pipeline: &Pipeline,
    r: RawRecord,
    opts: &BatchOptions,
    index: usize,
) -> (Vec<u8>, Summary) {
    let mut s = Summary {
        records: 1,
        ..Default::default()
    };
    let place = r.place;
    let mut web = None;
    let doc = match r.body {
        Body::Json(bytes) => parse_json(&bytes, &place, opts),
        Body::Web {
            id,
            url,
            bytes,
            http,
        } => {
            let limit = input::page_limit(opts.max_text_bytes);
            // Extraction parses untrusted HTML: a panic there costs one record too.
            let page =
                std::panic::catch_unwind(|| html::extract(&bytes, http, url.as_deref(), limit));
            drop(bytes);
            match page {
                Ok(Ok(page)) => {
                    web = Some(WebMeta {
                        url,
                        title: page.title,
                        date: page.date,
                    });
                    check_size(
                        Document {
                            id,
                            text: page.text,
                        },
                        &place,
                        opts,
                    )
                }
                Ok(Err(html::Skip(reason))) => {
                    return skipped(&id, url.as_deref(), &reason, s, opts, index)
                }
                Err(p) => Err((
                    id,
                    format!(
                        "{place}: internal error: the page extraction panicked: {}",
                        panic_message(&*p)
                    ),
                )),
            }
        }
        Body::Skipped { id, url, reason } => {
            return skipped(&id, url.as_deref(), &reason, s, opts, index)
        }
        Body::Text { id, bytes } => match String::from_utf8(bytes) {
            Ok(text) => check_size(Document { id, text }, &place, opts),
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                Err((id, format!("{place}: invalid UTF-8 at byte {at}")))
            }
        },
        Body::Failed { id, error } => Err((id, error)),
    };
    let out = match doc {
        Ok(doc) => {
            // A bug in one stage must cost one record, not the run.
            let budget = opts
                .max_analysis_time
                .map_or_else(Budget::unlimited, Budget::limited);
            let analysed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let analyze = crate::pipeline::AnalyzeOptions {
                    include_text: opts.include_text,
                    include_attributions: opts.include_attributions,
                    include_entities: opts.include_entities,
                };
                pipeline.analyze_within(&doc, analyze, &budget)
            }));
            match analysed {
                Ok(Ok(a)) => {
                    s.sentences = a.sentences.len();
                    s.quotes = a.quotes.len();
                    let view = render::Item::Analysed(render::Doc {
                        analysis: &a,
                        text: &doc.text,
                        title: web.as_ref().and_then(|m| m.title.as_deref()),
                        url: web.as_ref().and_then(|m| m.url.as_deref()),
                    });
                    match (opts.output_format.render(&view, index), &web) {
                        (Some(shown), _) => Ok(shown.into_bytes()),
                        (None, None) => {
                            let mut line = Vec::with_capacity(a.json_len_hint());
                            serde_json::to_writer(&mut line, &a).map(|()| line)
                        }
                        (None, Some(meta)) => {
                            serde_json::to_vec(&WebLine::new(&a, meta, &doc.text))
                        }
                    }
                }
                Ok(Err(e)) => {
                    s.errors = 1;
                    error_line(&doc.id, &format!("{place}: {e}"), opts, index)
                }
                Err(p) => {
                    s.errors = 1;
                    let msg = format!(
                        "{place}: internal error: the analysis panicked: {}",
                        panic_message(&*p)
                    );
                    error_line(&doc.id, &msg, opts, index)
                }
            }
        }
        Err((id, msg)) => {
            s.errors = 1;
            error_line(&id, &msg, opts, index)
        }
    };
    // Serialising our own types cannot fail; keep the line count right regardless.
    (
        out.unwrap_or_else(|e| format!("{{\"error\":\"internal: {e}\"}}").into_bytes()),
        s,
    )
}

/// The error line of a record, in the output format.
fn error_line(
    id: &str,
    error: &str,
    opts: &BatchOptions,
    index: usize,
) -> serde_json::Result<Vec<u8>> {
    match opts
        .output_format
        .render(&render::Item::Failed { id, error }, index)
    {
        Some(shown) => Ok(shown.into_bytes()),
        None => serde_json::to_vec(&ErrorLine { id, error }),
    }
}

/// The line of a record that is not an article, counted under its reason.
fn skipped(
    id: &str,
    url: Option<&str>,
    reason: &str,
    mut s: Summary,
    opts: &BatchOptions,
    index: usize,
) -> (Vec<u8>, Summary) {
    s.skip(reason);
    let shown = opts
        .output_format
        .render(&render::Item::Skipped { id, url, reason }, index);
    let line = match shown {
        Some(shown) => Ok(shown.into_bytes()),
        None => serde_json::to_vec(&SkipLine {
            id,
            url,
            skipped: reason,
        }),
    };
    (
        line.unwrap_or_else(|e| format!("{{\"error\":\"internal: {e}\"}}").into_bytes()),
        s,
    )
}

/// Reads up to one chunk; `true` when the source is exhausted.
fn read_chunk(src: &mut dyn RecordSource, opts: &BatchOptions) -> Result<(Vec<RawRecord>, bool)> {
    let mut v = Vec::new();
    let mut bytes = 0usize;
    while v.len() < opts.chunk.max(1) && bytes < opts.chunk_bytes.max(1) {
        // A pipe with nothing more to read yet closes the chunk early, so a record
        // written to standard input is answered without waiting for a full chunk.
        if !v.is_empty() && !src.ready() {
            break;
        }
        match src.next_record()? {
            Some(r) => {
                bytes += r.weight();
                v.push(r);
            }
            None => return Ok((v, true)),
        }
    }
    Ok((v, false))
}

/// Skips the records an earlier run already wrote, checking every kept line against
/// its record: the same id, and for an analysis a record that is a document whose
/// text reaches as far as the line's spans. A different input is refused.
fn skip_done(src: &mut dyn RecordSource, resume: &ResumePoint, opts: &BatchOptions) -> Result<()> {
    let refuse = |i: usize, r: &RawRecord, why: String| {
        Error::invalid(format!(
            "cannot resume: output line {i} does not fit input record {i} ({}): {why}; \
             is it the output of this input?",
            r.place
        ))
    };
    for i in 1..=resume.done {
        let Some(r) = src.next_record()? else {
            return Err(Error::invalid(format!(
                "cannot resume: the output has {} lines but the input has only {} records; \
                 is it the output of this input?",
                resume.done,
                i - 1
            )));
        };
        // A ResumePoint built by hand (tests, library callers) may carry no lines.
        let Some(line) = resume.kept.get(i - 1) else {
            continue;
        };
        let got = record_id(&r);
        if resume::id_hash(&got) != line.id_hash {
            let said = if i == resume.done {
                format!("{:?}", resume.last_id.as_deref().unwrap_or_default())
            } else {
                "another id".to_string()
            };
            return Err(refuse(
                i,
                &r,
                format!("the line has {said}, the record {got:?}"),
            ));
        }
        let Some(end) = line.analysis_end else {
            continue;
        };
        let chars = match &r.body {
            Body::Json(bytes) => parse_json(bytes, &r.place, opts).map(|d| d.text.chars().count()),
            Body::Text { bytes, .. } => std::str::from_utf8(bytes)
                .map(|t| t.chars().count())
                .map_err(|_| (got.clone(), "invalid UTF-8".into())),
            // The page's text is known only after extraction: the id must do.
            Body::Web { .. } => continue,
            Body::Skipped { .. } | Body::Failed { .. } => {
                Err((got.clone(), "the record is no document".into()))
            }
        };
        match chars {
            Ok(n) if end <= n as u64 => {}
            Ok(n) => {
                return Err(refuse(
                    i,
                    &r,
                    format!("its spans reach code point {end} of a text of {n}"),
                ))
            }
            Err((_, why)) => {
                return Err(refuse(
                    i,
                    &r,
                    format!("the line is an analysis but the record cannot be one ({why})"),
                ))
            }
        }
    }
    Ok(())
}

type Lines = Vec<(Vec<u8>, Summary)>;

fn flush(out: &mut dyn Write, name: &str) -> Result<()> {
    out.flush().map_err(|e| Error::io(name, e))
}

fn write_lines(out: &mut dyn Write, name: &str, lines: Lines, total: &mut Summary) -> Result<()> {
    for (line, s) in lines {
        out.write_all(&line)
            .and_then(|_| out.write_all(b"\n"))
            .map_err(|e| Error::io(name, e))?;
        total.add(&s);
    }
    Ok(())
}

/// The run loop over any record source. Returns the counts of this run.
/// `on_chunk` sees the running counts and the input position (bytes read up to the
/// last record written), so progress reflects output, not read-ahead. `out_name`
/// names the output in errors.
fn run_source(
    pipeline: &Pipeline,
    src: &mut dyn RecordSource,
    out: &mut dyn Write,
    out_name: &str,
    opts: &BatchOptions,
    resume: &ResumePoint,
    on_chunk: &mut dyn FnMut(&Summary, u64),
) -> Result<Summary> {
    skip_done(src, resume, opts)?;
    let mut total = Summary::default();
    // The index of the next record read, over the whole output (resumed lines
    // included): what makes the ids of an HTML page's sections unique.
    let mut next_index = resume.done;
    if rayon::current_thread_index().is_some() {
        // Called from inside the pool: waiting on a channel could starve it, so
        // analyse each chunk in place instead of overlapping reading and analysis.
        loop {
            let (chunk, eof) = read_chunk(src, opts)?;
            let position = src.position();
            let base = next_index;
            next_index += chunk.len();
            let lines: Lines = chunk
                .into_par_iter()
                .enumerate()
                .map(|(i, r)| process(pipeline, r, opts, base + i))
                .collect();
            write_lines(out, out_name, lines, &mut total)?;
            flush(out, out_name)?;
            on_chunk(&total, position);
            if eof {
                break;
            }
        }
    } else {
        rayon::in_place_scope(|scope| -> Result<()> {
            let mut pending: VecDeque<(mpsc::Receiver<Lines>, u64)> = VecDeque::new();
            let mut eof = false;
            while !eof || !pending.is_empty() {
                // Before blocking on an input that has nothing ready (a pipe whose
                // writer waits for answers), write out everything analysed so far.
                if !eof && !pending.is_empty() && !src.ready() {
                    while let Some((rx, position)) = pending.pop_front() {
                        let lines = rx.recv().map_err(|_| {
                            Error::invalid("internal error: an analysis worker stopped")
                        })?;
                        write_lines(out, out_name, lines, &mut total)?;
                        on_chunk(&total, position);
                    }
                    flush(out, out_name)?;
                }
                if !eof {
                    let (chunk, end) = read_chunk(src, opts)?;
                    let position = src.position();
                    eof = end;
                    if !chunk.is_empty() {
                        let (tx, rx) = mpsc::channel();
                        let base = next_index;
                        next_index += chunk.len();
                        scope.spawn(move |_| {
                            let lines: Lines = chunk
                                .into_par_iter()
                                .enumerate()
                                .map(|(i, r)| process(pipeline, r, opts, base + i))
                                .collect();
                            // The receiver is gone only when the run already failed.
                            let _ = tx.send(lines);
                        });
                        pending.push_back((rx, position));
                    }
                }
                if pending.len() > IN_FLIGHT || eof {
                    if let Some((rx, position)) = pending.pop_front() {
                        let lines = rx.recv().map_err(|_| {
                            Error::invalid("internal error: an analysis worker stopped")
                        })?;
                        write_lines(out, out_name, lines, &mut total)?;
                        // Every chunk reaches the output as it is done: a pipe reader
                        // (Spark's RDD.pipe, Hadoop streaming) sees lines as they come,
                        // and a killed run loses at most the chunks in flight.
                        flush(out, out_name)?;
                        on_chunk(&total, position);
                    }
                }
            }
            Ok(())
        })?;
    }
    out.flush().map_err(|e| Error::io(out_name, e))?;
    // Over the whole input, the records skipped by a resume included.
    total.other_warc_records = src.other_records();
    Ok(total)
}

/// Classifies every record of `inputs` into `out`, in order, after skipping the
/// records `resume` says are already done. `on_progress` sees a snapshot after every
/// chunk written. Returns the counts of this run (not including resumed records).
///
/// # Errors
/// I/O failures (reading an input, writing the output) and a resume point that does
/// not fit the input; bad records become error lines.
pub fn run(
    pipeline: &Pipeline,
    inputs: &mut Inputs,
    out: &mut Output,
    opts: &BatchOptions,
    resume: &ResumePoint,
    on_progress: &mut dyn FnMut(&Progress),
) -> Result<Summary> {
    let started = Instant::now();
    let bytes_total = inputs.total_bytes();
    let name = out.name().to_string();
    run_source(
        pipeline,
        inputs,
        out,
        &name,
        opts,
        resume,
        &mut |s, position| {
            on_progress(&Progress {
                done: s.clone(),
                resumed: resume.done,
                bytes_read: position,
                bytes_total,
                elapsed: started.elapsed(),
            });
        },
    )
}

/// Classifies JSON Lines from `input` into `out`, one line per non-blank input line.
/// `source` names the input in error messages; `on_chunk` sees progress.
///
/// # Errors
/// Only for I/O failures (reading the input, writing the output); bad records become
/// error lines.
pub fn classify_jsonl(
    pipeline: &Pipeline,
    input: &mut dyn BufRead,
    source: &str,
    out: &mut dyn Write,
    opts: &BatchOptions,
    on_chunk: &mut dyn FnMut(&Summary),
) -> Result<Summary> {
    let mut src = JsonlSource::new(input, source, opts.max_text_bytes);
    run_source(
        pipeline,
        &mut src,
        out,
        "<output>",
        opts,
        &ResumePoint::default(),
        &mut |s, _| on_chunk(s),
    )
}

/// Classifies one plain-text document (`bytes`, with its `id`).
///
/// # Errors
/// I/O failures; invalid UTF-8 and over-long text become an error line.
pub fn classify_text(
    pipeline: &Pipeline,
    bytes: &[u8],
    id: &str,
    out: &mut dyn Write,
    opts: &BatchOptions,
) -> Result<Summary> {
    let record = RawRecord {
        place: Place {
            source: id.into(),
            line: 0,
        },
        body: Body::Text {
            id: id.to_string(),
            bytes: bytes.to_vec(),
        },
    };
    let (line, s) = process(pipeline, record, opts, 0);
    out.write_all(&line)
        .and_then(|_| out.write_all(b"\n"))
        .and_then(|_| out.flush())
        .map_err(|e| Error::io("<output>", e))?;
    Ok(s)
}

/// How a path given on the command line is named in messages (`-` is standard input).
pub fn display_name(p: &Path) -> String {
    if p == Path::new("-") {
        "<stdin>".into()
    } else {
        p.display().to_string()
    }
}
