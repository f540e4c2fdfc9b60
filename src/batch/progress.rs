//! What a caller sees of a run: a [`Progress`] snapshot after every chunk written,
//! and the final [`Report`] (printed to stderr, optionally saved as JSON). Rendering
//! (a terminal progress bar) is the binary's business.

use super::resume::ResumePoint;
use super::Summary;
use serde::Serialize;
use std::collections::BTreeMap;
use std::time::Duration;

/// A snapshot of a running batch.
#[derive(Debug, Clone)]
pub struct Progress {
    /// Records written by this run (not counting resumed ones).
    pub done: Summary,
    /// Records taken over from an earlier, interrupted run.
    pub resumed: usize,
    /// Input bytes read up to the last record written (compressed bytes for
    /// compressed inputs).
    pub bytes_read: u64,
    /// Total input bytes, when known (files; not standard input or directories).
    pub bytes_total: Option<u64>,
    pub elapsed: Duration,
}

impl Progress {
    pub fn sentences_per_second(&self) -> f64 {
        rate(self.done.sentences, self.elapsed)
    }
}

fn rate(n: usize, d: Duration) -> f64 {
    let s = d.as_secs_f64();
    if s > 0.0 {
        n as f64 / s
    } else {
        0.0
    }
}

/// The final summary of a run. Counts cover the whole output (resumed lines
/// included); rates cover the records processed by this run.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub inputs: Vec<String>,
    pub output: String,
    /// Output lines, one per input record.
    pub records: usize,
    /// Of which kept from an earlier, interrupted run.
    pub resumed: usize,
    pub errors: usize,
    /// Web records that are not articles (`skipped` lines), and by reason.
    pub skipped: usize,
    pub skipped_reasons: BTreeMap<String, usize>,
    /// WARC records other than responses: read, no output line.
    pub other_warc_records: usize,
    pub sentences: usize,
    pub quotes: usize,
    pub seconds: f64,
    pub records_per_second: f64,
    pub sentences_per_second: f64,
}

impl Report {
    pub fn new(
        inputs: Vec<String>,
        output: String,
        run: &Summary,
        resume: &ResumePoint,
        elapsed: Duration,
    ) -> Report {
        let mut all = resume.prior.clone();
        all.add(run);
        Report {
            inputs,
            output,
            records: all.records,
            resumed: resume.done,
            errors: all.errors,
            skipped: all.skipped,
            skipped_reasons: all.skipped_reasons,
            other_warc_records: all.other_warc_records,
            sentences: all.sentences,
            quotes: all.quotes,
            seconds: elapsed.as_secs_f64(),
            records_per_second: rate(run.records, elapsed),
            sentences_per_second: rate(run.sentences, elapsed),
        }
    }
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} records", self.records)?;
        if self.resumed > 0 {
            write!(f, " ({} resumed from the earlier run)", self.resumed)?;
        }
        write!(f, ", {} errors", self.errors)?;
        // Only web inputs skip records or have other records: other runs read as before.
        if self.skipped > 0 {
            let reasons: Vec<String> = self
                .skipped_reasons
                .iter()
                .map(|(r, n)| format!("{r}: {n}"))
                .collect();
            write!(f, ", {} skipped ({})", self.skipped, reasons.join(", "))?;
        }
        if self.other_warc_records > 0 {
            write!(
                f,
                ", {} other WARC records (no line)",
                self.other_warc_records
            )?;
        }
        write!(
            f,
            ", {} sentences, {} quotes in {:.2} s ({:.0} records/s, {:.0} sentences/s)",
            self.sentences,
            self.quotes,
            self.seconds,
            self.records_per_second,
            self.sentences_per_second
        )
    }
}
