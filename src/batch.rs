//! Classifying JSON Lines in bulk: records in, one output line per input line, in
//! input order, errors in place (DESIGN.md §4). Work is read in bounded chunks and
//! analysed in parallel, so memory stays flat however long the input is.

use crate::document::Document;
use crate::error::{Error, Result};
use crate::pipeline::Pipeline;
use rayon::prelude::*;
use serde::Serialize;
use std::io::{BufRead, Write};
use std::path::Path;

/// How to read and limit the input.
#[derive(Debug, Clone)]
pub struct BatchOptions {
    /// Largest accepted document text, in bytes.
    pub max_text_bytes: usize,
    /// Records analysed per parallel chunk.
    pub chunk: usize,
}

impl Default for BatchOptions {
    fn default() -> Self {
        BatchOptions {
            max_text_bytes: 16 << 20,
            chunk: 512,
        }
    }
}

/// Counts of a finished run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub records: usize,
    pub errors: usize,
    pub sentences: usize,
    pub quotes: usize,
}

impl Summary {
    fn add(&mut self, o: &Summary) {
        self.records += o.records;
        self.errors += o.errors;
        self.sentences += o.sentences;
        self.quotes += o.quotes;
    }
}

#[derive(Serialize)]
struct ErrorLine<'a> {
    id: &'a str,
    error: &'a str,
}

/// One input record before analysis: its place and its raw bytes.
struct Record {
    line: usize,
    bytes: Vec<u8>,
}

/// Parses one JSONL record into a document; the `Err` carries the id (when it could
/// be read) and the reason.
fn parse_record(
    r: &Record,
    source: &str,
    opts: &BatchOptions,
) -> std::result::Result<Document, (String, String)> {
    let place = format!("{source}:{}", r.line);
    let fallback_id = format!("line {}", r.line);
    let text = std::str::from_utf8(&r.bytes).map_err(|e| {
        (
            fallback_id.clone(),
            format!("{place}: invalid UTF-8 at byte {}", e.valid_up_to()),
        )
    })?;
    let v: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| (fallback_id.clone(), format!("{place}: not JSON: {e}")))?;
    let id = match v.get("id") {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Number(n)) => n.to_string(),
        _ => fallback_id,
    };
    let Some(obj) = v.as_object() else {
        return Err((
            id,
            format!("{place}: expected a JSON object, got {}", kind(&v)),
        ));
    };
    let text = match obj.get("text") {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => {
            return Err((
                id,
                format!("{place}: expected a string for `text`, got {}", kind(other)),
            ))
        }
        None => return Err((id, format!("{place}: missing `text`"))),
    };
    if text.len() > opts.max_text_bytes {
        return Err((
            id,
            format!(
                "{place}: text is {} bytes, over the limit of {}",
                text.len(),
                opts.max_text_bytes
            ),
        ));
    }
    Ok(Document { id, text })
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

/// Analyses one record into its output line (without the newline).
fn process(
    pipeline: &Pipeline,
    r: &Record,
    source: &str,
    opts: &BatchOptions,
) -> (Vec<u8>, Summary) {
    let mut s = Summary {
        records: 1,
        ..Default::default()
    };
    let out = match parse_record(r, source, opts) {
        Ok(doc) => match pipeline.analyze(&doc) {
            Ok(a) => {
                s.sentences = a.sentences.len();
                s.quotes = a.quotes.len();
                serde_json::to_vec(&a)
            }
            Err(e) => {
                s.errors = 1;
                serde_json::to_vec(&ErrorLine {
                    id: &doc.id,
                    error: &format!("{source}:{}: {e}", r.line),
                })
            }
        },
        Err((id, msg)) => {
            s.errors = 1;
            serde_json::to_vec(&ErrorLine {
                id: &id,
                error: &msg,
            })
        }
    };
    // Serialising our own types cannot fail; keep the line count right regardless.
    (
        out.unwrap_or_else(|e| format!("{{\"error\":\"internal: {e}\"}}").into_bytes()),
        s,
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
    let mut total = Summary::default();
    let mut line_no = 0usize;
    let mut eof = false;
    while !eof {
        let mut chunk = Vec::with_capacity(opts.chunk);
        while chunk.len() < opts.chunk.max(1) {
            let mut buf = Vec::new();
            let n = input
                .read_until(b'\n', &mut buf)
                .map_err(|e| Error::io(source, e))?;
            if n == 0 {
                eof = true;
                break;
            }
            line_no += 1;
            while matches!(buf.last(), Some(b'\n' | b'\r')) {
                buf.pop();
            }
            if buf.iter().all(|b| b.is_ascii_whitespace()) {
                continue;
            }
            chunk.push(Record {
                line: line_no,
                bytes: buf,
            });
        }
        let results: Vec<(Vec<u8>, Summary)> = chunk
            .par_iter()
            .map(|r| process(pipeline, r, source, opts))
            .collect();
        let mut part = Summary::default();
        for (line, s) in results {
            out.write_all(&line)
                .and_then(|_| out.write_all(b"\n"))
                .map_err(|e| Error::io("<output>", e))?;
            part.add(&s);
        }
        total.add(&part);
        on_chunk(&total);
    }
    out.flush().map_err(|e| Error::io("<output>", e))?;
    Ok(total)
}

/// Classifies one plain-text file (or stdin) as a single document.
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
    let json = serde_json::json!({"id": id, "text": String::from_utf8_lossy(bytes)});
    let record = match std::str::from_utf8(bytes) {
        Ok(_) => Record {
            line: 1,
            bytes: json.to_string().into_bytes(),
        },
        Err(e) => {
            let msg = format!("{id}: invalid UTF-8 at byte {}", e.valid_up_to());
            let line = serde_json::to_vec(&ErrorLine { id, error: &msg }).unwrap_or_default();
            out.write_all(&line)
                .and_then(|_| out.write_all(b"\n"))
                .map_err(|e| Error::io("<output>", e))?;
            return Ok(Summary {
                records: 1,
                errors: 1,
                ..Default::default()
            });
        }
    };
    let (line, s) = process(pipeline, &record, id, opts);
    out.write_all(&line)
        .and_then(|_| out.write_all(b"\n"))
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
