//! Views of an [`Analysis`] for people: a plain-text table for a terminal and a
//! self-contained HTML page in the manner of spaCy's displaCy (`classify
//! --output-format table|html`, and the `serve --http-addr` page).
//!
//! Every view reads the spans of the analysis against the document's own text (code
//! points, as in the JSON), so it works the same with `--no-text`.
//!
//! The HTML page needs nothing from the network (inline CSS and script, and a
//! Content-Security-Policy that forbids loading anything). Its DOM is a contract the
//! headless-browser test checks:
//!
//! - `span.s` — one per sentence, `data-start`/`data-end` its span, `data-role`,
//!   `data-confidence`, and the role scores in `title`;
//! - `mark.q` — a quote, `data-quote` its index in the JSON's `quotes`,
//!   `data-start`/`data-end` the span of this element. A quote that crosses a
//!   sentence boundary is split into one `mark` per piece (HTML elements nest); the
//!   whole quote's span is in `data-quote-start`/`data-quote-end` on every piece;
//! - `data-speaker` on a quote or a speaker mention (`span.who`) is the `id` of its
//!   speaker's entry in the document's legend (`li.speaker`);
//! - labels (the speaker's name after a quote) are CSS-generated content, so the text
//!   content of a document's `div.text` is exactly the input text.

use crate::document::{Analysis, Quote, Role, Speaker};
use std::fmt::Write as _;

/// What `classify` writes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum OutputFormat {
    /// One JSON object per line (the machine-readable format).
    #[default]
    Jsonl,
    /// A text table per document, for a terminal.
    Table,
    /// One self-contained HTML page for the whole run.
    Html,
}

impl OutputFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            OutputFormat::Jsonl => "jsonl",
            OutputFormat::Table => "table",
            OutputFormat::Html => "html",
        }
    }
}

impl std::str::FromStr for OutputFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "jsonl" | "json" => Ok(OutputFormat::Jsonl),
            "table" => Ok(OutputFormat::Table),
            "html" => Ok(OutputFormat::Html),
            _ => Err(format!(
                "unknown output format {s:?}: use jsonl, table or html"
            )),
        }
    }
}

/// One document to show: its analysis and the text its offsets index.
#[derive(Debug, Clone, Copy)]
pub struct Doc<'a> {
    pub analysis: &'a Analysis,
    pub text: &'a str,
    /// A web page's title and address, when the document came from one.
    pub title: Option<&'a str>,
    pub url: Option<&'a str>,
}

/// One record of a run, as the views show it.
#[derive(Debug, Clone, Copy)]
pub enum Item<'a> {
    Analysed(Doc<'a>),
    Failed {
        id: &'a str,
        error: &'a str,
    },
    Skipped {
        id: &'a str,
        url: Option<&'a str>,
        reason: &'a str,
    },
}

impl OutputFormat {
    /// The text of record number `index` (0-based in the run) in this format, without
    /// a final newline; `None` for JSON Lines (the batch runner serialises those).
    pub fn render(self, item: &Item<'_>, index: usize) -> Option<String> {
        match self {
            OutputFormat::Jsonl => None,
            OutputFormat::Table => Some(table_item(item)),
            OutputFormat::Html => Some(html_item(item, index)),
        }
    }
}

/// Code-point offsets to byte offsets of one text (clamped to its end).
struct Chars<'a> {
    text: &'a str,
    /// Byte offset of every char, plus the end; `None` for ASCII (identity).
    starts: Option<Vec<usize>>,
}

impl<'a> Chars<'a> {
    fn new(text: &'a str) -> Self {
        let starts = (!text.is_ascii()).then(|| {
            text.char_indices()
                .map(|(b, _)| b)
                .chain(std::iter::once(text.len()))
                .collect()
        });
        Chars { text, starts }
    }
    fn len(&self) -> usize {
        self.starts
            .as_ref()
            .map_or(self.text.len(), |s| s.len() - 1)
    }
    fn byte(&self, c: usize) -> usize {
        match &self.starts {
            None => c.min(self.text.len()),
            Some(s) => s[c.min(s.len() - 1)],
        }
    }
    fn slice(&self, start: usize, end: usize) -> &'a str {
        let (s, e) = (self.byte(start), self.byte(end));
        &self.text[s..e.max(s)]
    }
}

// ---------------------------------------------------------------- table

/// Widest speaker column, and the sentence/quote text column, in chars.
const SPEAKER_WIDTH: usize = 22;
const TEXT_WIDTH: usize = 72;

/// `s` on one line: runs of whitespace and control characters (a terminal's escape
/// sequences among them) become one space.
fn one_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() || c.is_control() {
            space = true;
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    out
}

/// At most `width` chars, the cut marked with `…`.
fn shorten(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        return s.to_string();
    }
    let mut out: String = s.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// `s` padded with spaces to `width` chars.
fn pad(s: &str, width: usize) -> String {
    let n = s.chars().count();
    format!("{s}{}", " ".repeat(width.saturating_sub(n)))
}

fn speaker_name(s: &Speaker) -> &str {
    if s.entity.is_empty() {
        &s.text
    } else {
        &s.entity
    }
}

/// A document as text: a heading line, one row per sentence (index, role,
/// confidence, speaker, shortened text), then its quotes (speaker, cue, kind, text).
pub fn table(doc: &Doc<'_>) -> String {
    let a = doc.analysis;
    let chars = Chars::new(doc.text);
    let mut out = String::new();
    let _ = write!(
        out,
        "== {}: {} sentences, {} quotes",
        one_line(&a.id),
        a.sentences.len(),
        a.quotes.len()
    );
    if let Some(t) = doc.title {
        let _ = write!(out, " — {}", shorten(&one_line(t), TEXT_WIDTH));
    }
    out.push('\n');
    let speaker_of = |s: Option<&Speaker>| {
        s.map(|s| shorten(&one_line(speaker_name(s)), SPEAKER_WIDTH))
            .unwrap_or_else(|| "-".into())
    };
    let speakers: Vec<String> = a
        .sentences
        .iter()
        .map(|s| speaker_of(s.speaker.as_ref()))
        .collect();
    let width = speakers
        .iter()
        .map(|s| s.chars().count())
        .max()
        .unwrap_or(0)
        .max("speaker".len());
    if a.sentences.is_empty() {
        out.push_str("(no sentences)\n");
        return out;
    }
    let index_width = a.sentences.len().saturating_sub(1).to_string().len().max(1);
    let _ = writeln!(
        out,
        "{:>index_width$}  {:<10}  {:>4}  {}  sentence",
        "#",
        "role",
        "conf",
        pad("speaker", width)
    );
    for (i, (s, who)) in a.sentences.iter().zip(&speakers).enumerate() {
        let text = shorten(&one_line(chars.slice(s.start, s.end)), TEXT_WIDTH);
        let _ = writeln!(
            out,
            "{i:>index_width$}  {:<10}  {:.2}  {}  {text}",
            s.role.as_str(),
            s.confidence,
            pad(who, width)
        );
    }
    if !a.quotes.is_empty() {
        let rows: Vec<[String; 4]> = a
            .quotes
            .iter()
            .map(|q| {
                [
                    speaker_of(q.speaker.as_ref()),
                    q.cue
                        .as_ref()
                        .map(|c| shorten(&one_line(&c.text), 16))
                        .unwrap_or_else(|| "-".into()),
                    quote_kind(q).into(),
                    shorten(&one_line(chars.slice(q.start, q.end)), TEXT_WIDTH),
                ]
            })
            .collect();
        let w = |k: usize, head: &str| {
            rows.iter()
                .map(|r| r[k].chars().count())
                .max()
                .unwrap_or(0)
                .max(head.len())
        };
        let (w0, w1) = (w(0, "speaker"), w(1, "cue"));
        let _ = writeln!(
            out,
            "quotes:\n  {}  {}  {:<8}  text",
            pad("speaker", w0),
            pad("cue", w1),
            "kind"
        );
        for [who, cue, kind, text] in &rows {
            let _ = writeln!(
                out,
                "  {}  {}  {kind:<8}  {text}",
                pad(who, w0),
                pad(cue, w1)
            );
        }
    }
    out
}

fn table_item(item: &Item<'_>) -> String {
    match item {
        Item::Analysed(doc) => table(doc),
        Item::Failed { id, error } => {
            format!("== {}: error: {}\n", one_line(id), one_line(error))
        }
        Item::Skipped { id, url, reason } => format!(
            "== {}: skipped ({}){}\n",
            one_line(id),
            one_line(reason),
            url.map(|u| format!(" {}", one_line(u))).unwrap_or_default()
        ),
    }
}

// ---------------------------------------------------------------- HTML

/// `s` escaped for HTML text and quoted attribute values. A carriage return becomes a
/// character reference: HTML parsing would turn a literal one into a line feed, and
/// the text content must keep the input's code points.
fn esc(out: &mut String, s: &str) {
    for (i, part) in s.split('\r').enumerate() {
        if i > 0 {
            out.push_str("&#13;");
        }
        html_escape::encode_quoted_attribute_to_string(part, out);
    }
}

/// Colours of speakers, in the order of the legend (cycled).
const SPEAKER_COLOURS: usize = 8;

const CSS: &str = r#"
:root{--quote:#dbeafe;--claim:#fde7c2;--event:#d7f5df;--background:#eceef1;
--c0:#2563eb;--c1:#dc2626;--c2:#7c3aed;--c3:#059669;--c4:#c2410c;--c5:#db2777;--c6:#0e7490;--c7:#4d7c0f;--cx:#6b7280}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:#1f2328;background:#f6f7f9}
header.top{position:sticky;top:0;z-index:2;background:#fff;border-bottom:1px solid #d8dde3;padding:.6rem 1.5rem;display:flex;flex-wrap:wrap;gap:.4rem 1.2rem;align-items:center}
header.top h1{font-size:1.1rem;margin:0 .8rem 0 0}
.roles{display:flex;gap:.4rem;flex-wrap:wrap;margin:0;padding:0;list-style:none;font-size:.85rem}
.roles li{padding:.05rem .55rem;border-radius:.3rem}
.roles .kinds{color:#57606a}
main{max-width:62rem;margin:0 auto;padding:1rem 1.5rem 3rem}
form.paste{background:#fff;border:1px solid #d8dde3;border-radius:.5rem;padding:1rem;margin:0 0 1.2rem}
form.paste textarea{width:100%;min-height:9rem;font:inherit;padding:.5rem;border:1px solid #c4cbd3;border-radius:.3rem}
form.paste button{margin-top:.5rem;font:inherit;padding:.35rem 1.1rem;border-radius:.3rem;border:1px solid #1f6feb;background:#1f6feb;color:#fff;cursor:pointer}
form.paste .hint{color:#57606a;font-size:.85rem;margin-left:.6rem}
section.doc{background:#fff;border:1px solid #d8dde3;border-radius:.5rem;padding:1rem 1.4rem 1.2rem;margin:0 0 1.2rem}
section.doc h2{font-size:1.05rem;margin:0;word-break:break-word}
section.doc .meta{color:#57606a;font-size:.85rem;margin:.15rem 0 .6rem;word-break:break-word}
section.doc.failed h2,section.doc.skipped h2{color:#57606a}
section.doc .error{color:#b42318;white-space:pre-wrap}
.legend{display:flex;flex-wrap:wrap;gap:.35rem .5rem;list-style:none;margin:0 0 .8rem;padding:0;font-size:.85rem}
.legend li{display:inline-flex;align-items:center;gap:.35rem;padding:.1rem .55rem .1rem .4rem;border:1px solid #d8dde3;border-radius:1rem;cursor:pointer;background:#fff}
.legend li:target,.legend li.on{border-color:var(--k);box-shadow:0 0 0 2px var(--k) inset}
.legend .dot{width:.7rem;height:.7rem;border-radius:50%;background:var(--k)}
.legend .n{color:#57606a}
.text{white-space:pre-wrap;line-height:2.1;overflow-wrap:anywhere}
.s{padding:.12em .1em;border-radius:.25em;-webkit-box-decoration-break:clone;box-decoration-break:clone}
.r-quote{background:var(--quote)}.r-claim{background:var(--claim)}.r-event{background:var(--event)}.r-background{background:var(--background)}
mark.q{background:rgba(255,255,255,.55);color:inherit;border-bottom:3px solid var(--k);padding:0 .05em;-webkit-box-decoration-break:clone;box-decoration-break:clone;cursor:pointer}
mark.q.reported{border-bottom-style:dashed}
.who{font-weight:600;color:var(--k);cursor:pointer}
.cue{font-style:italic;text-decoration:underline dotted #57606a}
a.tag{text-decoration:none;margin:0 .15em}
a.tag::after{content:attr(data-label);display:inline-block;font-size:.68em;font-weight:700;line-height:1.3;letter-spacing:.02em;text-transform:uppercase;color:#fff;background:var(--k);border-radius:.25em;padding:.05em .4em;vertical-align:.15em;white-space:nowrap}
.hl{outline:2px solid var(--k);outline-offset:1px}
.c0{--k:var(--c0)}.c1{--k:var(--c1)}.c2{--k:var(--c2)}.c3{--k:var(--c3)}.c4{--k:var(--c4)}.c5{--k:var(--c5)}.c6{--k:var(--c6)}.c7{--k:var(--c7)}.cx{--k:var(--cx)}
.empty{color:#57606a;font-style:italic}
"#;

/// Clicking a quote, a mention or a legend entry outlines everything of that speaker.
const SCRIPT: &str = r#"
document.addEventListener('click',function(e){
  var t=e.target.closest('[data-speaker],li.speaker');if(!t)return;
  var id=t.id&&t.matches('li.speaker')?t.id:t.getAttribute('data-speaker');
  var on=!t.classList.contains('hl')&&!t.classList.contains('on');
  document.querySelectorAll('.hl,.on').forEach(function(x){x.classList.remove('hl','on')});
  if(!on||!id)return;
  document.querySelectorAll('[data-speaker="'+id+'"]').forEach(function(x){x.classList.add('hl')});
  var li=document.getElementById(id);if(li)li.classList.add('on');
});
"#;

/// The policy of every page: nothing is loaded, inline style and script only.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; \
     script-src 'unsafe-inline'; form-action 'self'; base-uri 'none'";

/// The start of a page, up to and including the opening of `<main>`.
pub fn html_head(title: &str) -> String {
    let mut out = String::with_capacity(CSS.len() + 1024);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(
        out,
        "<meta http-equiv=\"Content-Security-Policy\" content=\"{CONTENT_SECURITY_POLICY}\">"
    );
    out.push_str("<meta name=\"generator\" content=\"newsroles\">\n<title>");
    esc(&mut out, title);
    out.push_str("</title>\n<style>");
    out.push_str(CSS);
    out.push_str("</style>\n</head>\n<body>\n<header class=\"top\"><h1>");
    esc(&mut out, title);
    out.push_str("</h1><ul class=\"roles\" aria-label=\"sentence roles\">");
    for r in Role::ALL {
        let _ = write!(out, "<li class=\"r-{r}\">{r}</li>");
    }
    out.push_str(
        "<li class=\"kinds\">quotes underlined in the speaker's colour: \
         solid direct, dashed reported; hover for confidence</li></ul></header>\n<main>\n",
    );
    out
}

/// The end of a page: closes `<main>` and adds the script. `documents` is how many
/// records the page shows (none: a note says so).
pub fn html_tail(documents: usize) -> String {
    let mut out = String::new();
    if documents == 0 {
        out.push_str("<p class=\"empty\">No documents.</p>\n");
    }
    out.push_str("</main>\n<script>");
    out.push_str(SCRIPT);
    out.push_str("</script>\n</body>\n</html>\n");
    out
}

/// A whole page of `docs`.
pub fn html_page(title: &str, docs: &[Doc<'_>]) -> String {
    let mut out = html_head(title);
    for (i, d) in docs.iter().enumerate() {
        out.push_str(&html_document(d, i));
        out.push('\n');
    }
    out.push_str(&html_tail(docs.len()));
    out
}

/// The paste form of the `serve --http-addr` page, holding `text`.
pub fn html_form(text: &str, max_bytes: usize) -> String {
    let mut out = String::from(
        "<form class=\"paste\" method=\"post\" action=\"/\">\
         <label for=\"text\"><b>Article text</b></label>\n\
         <textarea id=\"text\" name=\"text\" required placeholder=\"Paste a news article…\">\n",
    );
    // The newline after the tag is eaten by the parser, so a text that starts with
    // one keeps it.
    esc(&mut out, text);
    let _ = writeln!(
        out,
        "</textarea><br><button type=\"submit\">Analyse</button>\
         <span class=\"hint\">up to {} KiB</span></form>",
        max_bytes / 1024
    );
    out
}

fn html_item(item: &Item<'_>, index: usize) -> String {
    match item {
        Item::Analysed(doc) => html_document(doc, index),
        Item::Failed { id, error } => {
            let mut out = format!("<section class=\"doc failed\" id=\"d{index}\"><h2>");
            esc(&mut out, id);
            out.push_str("</h2><p class=\"error\">error: ");
            esc(&mut out, error);
            out.push_str("</p></section>");
            out
        }
        Item::Skipped { id, url, reason } => {
            let mut out = format!("<section class=\"doc skipped\" id=\"d{index}\"><h2>");
            esc(&mut out, id);
            out.push_str("</h2><p class=\"meta\">skipped: ");
            esc(&mut out, reason);
            if let Some(u) = url {
                out.push_str(" · ");
                esc(&mut out, u);
            }
            out.push_str("</p></section>");
            out
        }
    }
}

/// What a stretch of text belongs to, innermost layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Inner {
    /// A speaker mention: index into the mention list.
    Mention(usize),
    /// A reporting cue: index into the cue list.
    Cue(usize),
}

/// A stretch of text between two consecutive span boundaries.
#[derive(Debug, Clone, Copy)]
struct Seg {
    start: usize,
    end: usize,
    sentence: Option<usize>,
    quote: Option<usize>,
    inner: Option<Inner>,
}

/// The span in `spans` (sorted by start, not overlapping) that covers `[a, b)`.
fn covering(spans: &[(usize, usize)], a: usize, b: usize) -> Option<usize> {
    let i = spans.partition_point(|&(s, _)| s <= a).checked_sub(1)?;
    (spans[i].1 >= b).then_some(i)
}

/// Indices of `spans` sorted by start, and the sorted spans, dropping empty ones and
/// any that overlap an earlier one (elements cannot overlap).
fn layer(
    spans: impl Iterator<Item = (usize, usize)>,
    n: usize,
) -> (Vec<usize>, Vec<(usize, usize)>) {
    let mut v: Vec<(usize, usize, usize)> = spans
        .enumerate()
        .map(|(i, (s, e))| (s.min(n), e.min(n), i))
        .filter(|&(s, e, _)| s < e)
        .collect();
    v.sort_unstable();
    let (mut idx, mut sp) = (Vec::new(), Vec::<(usize, usize)>::new());
    for (s, e, i) in v {
        if sp.last().is_some_and(|&(_, pe)| s < pe) {
            continue;
        }
        idx.push(i);
        sp.push((s, e));
    }
    (idx, sp)
}

/// One document as a `<section>`: heading, speaker legend, and the text with its
/// sentences coloured by role and quotes marked. `index` (the record's place in the
/// run) makes its element ids unique on the page.
pub fn html_document(doc: &Doc<'_>, index: usize) -> String {
    let a = doc.analysis;
    let chars = Chars::new(doc.text);
    let n = chars.len();
    let mut out = String::with_capacity(doc.text.len() * 3 + 2048);
    let _ = write!(out, "<section class=\"doc\" id=\"d{index}\" data-id=\"");
    esc(&mut out, &a.id);
    out.push_str("\"><h2>");
    esc(&mut out, if a.id.is_empty() { "(no id)" } else { &a.id });
    out.push_str("</h2><p class=\"meta\">");
    if let Some(t) = doc.title {
        esc(&mut out, t);
        out.push_str(" · ");
    }
    if let Some(u) = doc.url {
        esc(&mut out, u);
        out.push_str(" · ");
    }
    let _ = write!(
        out,
        "{} sentences · {} quotes</p>",
        a.sentences.len(),
        a.quotes.len()
    );

    // The legend: every speaker entity, with its colour and counts.
    let entity_index = |s: &Speaker| a.speakers.iter().position(|e| e.entity == s.entity);
    let colour = |e: Option<usize>| match e {
        Some(i) => format!("c{}", i % SPEAKER_COLOURS),
        None => "cx".to_string(),
    };
    let speaker_id = |e: usize| format!("d{index}-e{e}");
    if !a.speakers.is_empty() {
        out.push_str("<ul class=\"legend\" aria-label=\"speakers\">");
        for (i, e) in a.speakers.iter().enumerate() {
            let _ = write!(
                out,
                "<li class=\"speaker {}\" id=\"{}\" data-quotes=\"{}\"><span class=\"dot\"></span><span class=\"name\">",
                colour(Some(i)),
                speaker_id(i),
                e.quotes
            );
            esc(&mut out, &e.entity);
            let _ = write!(
                out,
                "</span><span class=\"n\">{} quote{} · {} mention{}</span></li>",
                e.quotes,
                if e.quotes == 1 { "" } else { "s" },
                e.mentions,
                if e.mentions == 1 { "" } else { "s" }
            );
        }
        out.push_str("</ul>");
    }

    // The layers: sentences, quotes, and inside them speaker mentions and cues.
    let (sent_idx, sent_spans) = layer(a.sentences.iter().map(|s| (s.start, s.end)), n);
    let (quote_idx, quote_spans) = layer(a.quotes.iter().map(|q| (q.start, q.end)), n);
    let mut mentions: Vec<&Speaker> = a
        .quotes
        .iter()
        .filter_map(|q| q.speaker.as_ref())
        .chain(a.sentences.iter().filter_map(|s| s.speaker.as_ref()))
        .collect();
    mentions.sort_by_key(|m| (m.start, m.end));
    mentions.dedup_by_key(|m| (m.start, m.end));
    let (mention_idx, mention_spans) = layer(mentions.iter().map(|m| (m.start, m.end)), n);
    let cues: Vec<(usize, usize)> = a
        .quotes
        .iter()
        .filter_map(|q| q.cue.as_ref().map(|c| (c.start, c.end)))
        .collect();
    let (cue_idx, cue_spans) = layer(cues.iter().copied(), n);

    let mut cuts: Vec<usize> = vec![0, n];
    for spans in [&sent_spans, &quote_spans, &mention_spans, &cue_spans] {
        for &(s, e) in spans.iter() {
            cuts.push(s);
            cuts.push(e);
        }
    }
    cuts.sort_unstable();
    cuts.dedup();
    let segs: Vec<Seg> = cuts
        .windows(2)
        .map(|w| {
            let (s, e) = (w[0], w[1]);
            Seg {
                start: s,
                end: e,
                sentence: covering(&sent_spans, s, e).map(|i| sent_idx[i]),
                quote: covering(&quote_spans, s, e).map(|i| quote_idx[i]),
                inner: covering(&mention_spans, s, e)
                    .map(|i| Inner::Mention(mention_idx[i]))
                    .or_else(|| covering(&cue_spans, s, e).map(|i| Inner::Cue(cue_idx[i]))),
            }
        })
        .collect();

    out.push_str("<div class=\"text\">");
    for group in segs.chunk_by(|x, y| x.sentence == y.sentence) {
        let (gs, ge) = (group[0].start, group[group.len() - 1].end);
        let sentence = group[0].sentence.map(|i| &a.sentences[i]);
        if let Some(s) = sentence {
            let sc = s.scores;
            let mut title = format!("{} {:.0}%", s.role, s.confidence * 100.0);
            for r in Role::ALL {
                let _ = write!(title, "\n{r} {:.2}", sc.to_array()[r.index()]);
            }
            if let Some(sp) = &s.speaker {
                let _ = write!(title, "\nspeaker: {}", speaker_name(sp));
            }
            let _ = write!(
                out,
                "<span class=\"s r-{}\" data-start=\"{gs}\" data-end=\"{ge}\" data-role=\"{}\" data-confidence=\"{:.3}\" title=\"",
                s.role, s.role, s.confidence
            );
            esc(&mut out, &title);
            out.push_str("\">");
        }
        for qg in group.chunk_by(|x, y| x.quote == y.quote) {
            let (qs, qe) = (qg[0].start, qg[qg.len() - 1].end);
            let quote = qg[0].quote.map(|i| (i, &a.quotes[i]));
            let mut tag = None;
            if let Some((qi, q)) = quote {
                let e = q.speaker.as_ref().and_then(entity_index);
                let kind = quote_kind(q);
                let mut title = format!("{kind} quote");
                match &q.speaker {
                    Some(sp) => {
                        let _ = write!(
                            title,
                            "\nspeaker: {} ({:.2})",
                            speaker_name(sp),
                            sp.confidence
                        );
                    }
                    None => title.push_str("\nspeaker: not found"),
                }
                if let Some(c) = &q.cue {
                    let _ = write!(title, "\ncue: {}", c.text);
                }
                let _ = write!(
                    out,
                    "<mark class=\"q {kind} {}\" data-quote=\"{qi}\" data-start=\"{qs}\" data-end=\"{qe}\" data-quote-start=\"{}\" data-quote-end=\"{}\"",
                    colour(e),
                    q.start,
                    q.end
                );
                if let Some(e) = e {
                    let _ = write!(out, " data-speaker=\"{}\"", speaker_id(e));
                }
                out.push_str(" title=\"");
                esc(&mut out, &title);
                out.push_str("\">");
                // The label follows the quote's last piece.
                if qe >= q.end.min(n) {
                    tag = Some((e, q.speaker.as_ref().map_or("?", speaker_name)));
                }
            }
            for ig in qg.chunk_by(|x, y| x.inner == y.inner) {
                let (is, ie) = (ig[0].start, ig[ig.len() - 1].end);
                match ig[0].inner {
                    Some(Inner::Mention(m)) => {
                        let e = entity_index(mentions[m]);
                        let _ = write!(
                            out,
                            "<span class=\"who {}\" data-start=\"{is}\" data-end=\"{ie}\"",
                            colour(e)
                        );
                        if let Some(e) = e {
                            let _ = write!(out, " data-speaker=\"{}\"", speaker_id(e));
                        }
                        out.push_str(" title=\"speaker: ");
                        esc(&mut out, speaker_name(mentions[m]));
                        out.push_str("\">");
                    }
                    Some(Inner::Cue(_)) => {
                        let _ = write!(
                            out,
                            "<span class=\"cue\" data-start=\"{is}\" data-end=\"{ie}\" title=\"cue\">"
                        );
                    }
                    None => {}
                }
                esc(&mut out, chars.slice(is, ie));
                if ig[0].inner.is_some() {
                    out.push_str("</span>");
                }
            }
            if quote.is_some() {
                out.push_str("</mark>");
            }
            if let Some((e, name)) = tag {
                let _ = write!(out, "<a class=\"tag {}\" ", colour(e));
                if let Some(e) = e {
                    let _ = write!(out, "href=\"#{}\" ", speaker_id(e));
                }
                out.push_str("data-label=\"");
                esc(&mut out, &shorten(&one_line(name), 32));
                out.push_str("\" aria-label=\"said by ");
                esc(&mut out, name);
                out.push_str("\"></a>");
            }
        }
        if sentence.is_some() {
            out.push_str("</span>");
        }
    }
    out.push_str("</div></section>");
    out
}

/// How a quote is shown: direct or reported speech, else its type (thought,
/// document, other: with `--attributions`).
fn quote_kind(q: &Quote) -> &'static str {
    match q.kind {
        crate::attribution::AttributionType::Speech if q.direct => "direct",
        crate::attribution::AttributionType::Speech => "reported",
        t => t.as_str(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Cue, Quote, RoleScores, Sentence, SpeakerEntity};

    fn sentence(start: usize, end: usize, text: &str, role: Role) -> Sentence {
        Sentence {
            start,
            end,
            text: text.chars().skip(start).take(end - start).collect(),
            role,
            confidence: 0.8,
            scores: RoleScores::default(),
            paragraph: 0,
            speaker: None,
        }
    }

    /// "«Ça va», dit Zoé. <script>x</script> It rained." with a quote that spans the
    /// first two sentences' boundary.
    fn sample() -> (String, Analysis) {
        let text = "«Ça va <b>», dit Zoé.\r\nIt <script>alert(1)</script> rained.".to_string();
        let c = |s: &str| text.find(s).map(|b| text[..b].chars().count()).unwrap();
        let (s1, e1) = (0, c("\r\n"));
        let (s2, e2) = (c("It"), text.chars().count());
        let zoe = Speaker {
            start: c("Zoé"),
            end: c("Zoé") + 3,
            text: "Zoé".into(),
            entity: "Zoé <Z>".into(),
            confidence: 0.9,
        };
        let a = Analysis {
            id: "doc \"1\" <i>".into(),
            sentences: vec![
                Sentence {
                    speaker: Some(zoe.clone()),
                    ..sentence(s1, e1, &text, Role::Quote)
                },
                sentence(s2, e2, &text, Role::Event),
            ],
            quotes: vec![
                Quote {
                    start: 1,
                    end: c("»"),
                    text: String::new(),
                    direct: true,
                    kind: Default::default(),
                    speech_probability: 0.9,
                    cue: Some(Cue {
                        start: c("dit"),
                        end: c("dit") + 3,
                        text: "dit".into(),
                    }),
                    speaker: Some(zoe),
                },
                // Crosses the sentence boundary: rendered in pieces.
                Quote {
                    start: c("Zoé") + 3,
                    end: c("It") + 2,
                    text: String::new(),
                    direct: false,
                    kind: Default::default(),
                    speech_probability: 0.9,
                    cue: None,
                    speaker: None,
                },
            ],
            speakers: vec![SpeakerEntity {
                entity: "Zoé <Z>".into(),
                mentions: 1,
                quotes: 1,
            }],
            entities: Vec::new(),
        };
        (text, a)
    }

    fn doc<'a>(text: &'a str, a: &'a Analysis) -> Doc<'a> {
        Doc {
            analysis: a,
            text,
            title: None,
            url: None,
        }
    }

    /// Text content of `html` (tags dropped, the entities `esc` writes decoded).
    fn text_of(html: &str) -> String {
        let mut out = String::new();
        let mut in_tag = false;
        for c in html.chars() {
            match c {
                '<' => in_tag = true,
                '>' if in_tag => in_tag = false,
                c if !in_tag => out.push(c),
                _ => {}
            }
        }
        html_escape::decode_html_entities(&out).into_owned()
    }

    /// The attribute `name` of every element starting with `open` (e.g. `<mark`).
    fn elements<'h>(html: &'h str, open: &str) -> Vec<(&'h str, String)> {
        html.match_indices(open)
            .map(|(i, _)| {
                let end = html[i..].find('>').unwrap() + i;
                let tag = &html[i..end];
                // The matching close tag: same-named elements nest (a mention span
                // inside a sentence span).
                let name = open[1..].split(' ').next().unwrap();
                let (opening, closing) = (format!("<{name}"), format!("</{name}>"));
                let (mut depth, mut at) = (1, end);
                while depth > 0 {
                    let o = html[at..].find(&opening).map(|k| k + at);
                    let c = html[at..].find(&closing).unwrap() + at;
                    match o {
                        Some(o) if o < c => {
                            depth += 1;
                            at = o + 1;
                        }
                        _ => {
                            depth -= 1;
                            at = c + 1;
                        }
                    }
                }
                let close = at - 1;
                (tag, text_of(&html[end + 1..close]))
            })
            .collect()
    }

    fn attr(tag: &str, name: &str) -> Option<usize> {
        let k = format!(" {name}=\"");
        let i = tag.find(&k)? + k.len();
        tag[i..].split('"').next()?.parse().ok()
    }

    #[test]
    fn html_escapes_every_text() {
        let (text, a) = sample();
        let html = html_page("t <x>", &[doc(&text, &a)]);
        assert!(!html.contains("<script>alert"), "{html}");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(!html.contains("<b>") && !html.contains("<i>") && !html.contains("<Z>"));
        assert!(html.contains("data-id=\"doc &quot;1&quot; &lt;i&gt;\""));
        // Only the page's own script element.
        assert_eq!(html.matches("<script").count(), 1);
        // A carriage return is a reference, so parsing keeps it.
        assert!(html.contains("&#13;\n") && !html.contains('\r'));
    }

    #[test]
    fn html_spans_match_the_offsets() {
        let (text, a) = sample();
        let html = html_document(&doc(&text, &a), 3);
        let chars: Vec<char> = text.chars().collect();
        let slice = |s: usize, e: usize| chars[s..e].iter().collect::<String>();
        // The text content is the input, code point for code point.
        let body = &html[html.find("<div class=\"text\">").unwrap()..];
        assert_eq!(text_of(body), text);
        let sents = elements(&html, "<span class=\"s ");
        assert_eq!(sents.len(), a.sentences.len());
        for ((tag, content), s) in sents.iter().zip(&a.sentences) {
            assert_eq!(attr(tag, "data-start"), Some(s.start));
            assert_eq!(attr(tag, "data-end"), Some(s.end));
            assert_eq!(content, &slice(s.start, s.end));
            assert!(tag.contains(&format!("data-role=\"{}\"", s.role)));
        }
        let marks = elements(&html, "<mark");
        for (qi, q) in a.quotes.iter().enumerate() {
            let pieces: Vec<_> = marks
                .iter()
                .filter(|(t, _)| attr(t, "data-quote") == Some(qi))
                .collect();
            assert!(!pieces.is_empty());
            let mut at = q.start;
            for (tag, content) in &pieces {
                assert_eq!(attr(tag, "data-start"), Some(at));
                let end = attr(tag, "data-end").unwrap();
                assert_eq!(content, &slice(at, end));
                assert_eq!(attr(tag, "data-quote-start"), Some(q.start));
                assert_eq!(attr(tag, "data-quote-end"), Some(q.end));
                at = end;
            }
            assert_eq!(at, q.end, "quote {qi}'s pieces cover it");
        }
        // The second quote crosses the sentence boundary: a piece in each sentence
        // and one in the line break between them.
        assert_eq!(
            marks
                .iter()
                .filter(|(t, _)| attr(t, "data-quote") == Some(1))
                .count(),
            3
        );
        // The attributed quote links to its legend entry, which counts its quotes.
        assert!(html.contains("<li class=\"speaker c0\" id=\"d3-e0\" data-quotes=\"1\">"));
        assert!(html.contains("data-speaker=\"d3-e0\""));
        assert!(html.contains("href=\"#d3-e0\""));
        assert!(html.contains("<span class=\"cue\""));
    }

    #[test]
    fn table_has_one_row_per_sentence() {
        let (text, a) = sample();
        let t = table(&doc(&text, &a));
        let lines: Vec<&str> = t.lines().collect();
        assert!(lines[0].starts_with("== doc \"1\" <i>: 2 sentences, 2 quotes"));
        assert!(lines[1].contains("role") && lines[1].contains("speaker"));
        let rows: Vec<&&str> = lines
            .iter()
            .filter(|l| l.trim_start().starts_with(|c: char| c.is_ascii_digit()))
            .collect();
        assert_eq!(rows.len(), a.sentences.len(), "{t}");
        assert!(rows[0].contains("quote") && rows[0].contains("0.80"));
        assert!(rows[0].contains("Zoé <Z>"));
        assert!(rows[1].contains("event") && rows[1].contains("It <script>"));
        // Sentence text on one line: the CR LF is gone.
        assert!(!t.contains('\r'));
        let q = t.split("quotes:\n").nth(1).unwrap();
        assert_eq!(q.lines().count(), 1 + a.quotes.len());
        assert!(q.contains("direct") && q.contains("dit") && q.contains("reported"));
    }

    #[test]
    fn shortening_and_one_line() {
        assert_eq!(shorten("abcdef", 4), "abc…");
        assert_eq!(shorten("abc", 4), "abc");
        assert_eq!(one_line("  a\n\tb\u{1b}[31m c "), "a b [31m c");
    }

    #[test]
    fn out_of_range_offsets_do_not_panic() {
        let a = Analysis {
            sentences: vec![sentence(0, 2, "ab", Role::Claim)],
            quotes: vec![Quote {
                start: 1,
                end: 99,
                text: String::new(),
                direct: true,
                kind: Default::default(),
                speech_probability: 0.9,
                cue: None,
                speaker: None,
            }],
            ..Default::default()
        };
        let mut s = a.sentences[0].clone();
        s.start = 50;
        s.end = 60;
        let mut a2 = a.clone();
        a2.sentences.push(s);
        let html = html_document(&doc("ab", &a2), 0);
        assert_eq!(text_of(&html[html.find("<div").unwrap()..]), "ab");
        let _ = table(&doc("ab", &a2));
    }
}
