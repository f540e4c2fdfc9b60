//! Normalisation of a copy of the input (spaces, quotation marks, zero-width chars,
//! line ends, glued words) and the compact map from normalised back to original
//! byte offsets.

use std::ops::Range;

/// Normalised text plus a run-length map back to the original.
///
/// Every normalised char is either copied, a one-byte replacement of one original char
/// (or of `\r\n`), or an inserted space with zero original width; removed chars have no
/// normalised bytes. So one anchor per change of the offset difference is enough.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalized {
    text: String,
    /// `(normalised, original)` byte offsets; within a run the bytes map one to one.
    /// Sorted by normalised offset. Where original chars were removed, two anchors share
    /// a normalised offset: the first is the original offset before the removed chars
    /// (used for range ends), the second the one after them (used for range starts).
    anchors: Vec<(usize, usize)>,
    original_len: usize,
}

impl Normalized {
    /// Normalises a copy of `original`.
    pub fn new(original: &str) -> Normalized {
        let mut b = Builder {
            text: String::with_capacity(original.len() + 8),
            anchors: vec![(0, 0)],
        };
        let mut glue = GlueState::default();
        let bytes = original.as_bytes();
        let mut o = 0;
        while o < bytes.len() {
            // Plain ASCII (nearly all of an English article) is never replaced: only
            // the glued-word check applies, and that only before an uppercase letter.
            // Runs of it are copied whole.
            if is_plain_ascii(bytes[o]) {
                let mut run = o;
                while o < bytes.len() && is_plain_ascii(bytes[o]) {
                    let c = bytes[o] as char;
                    if c.is_ascii_uppercase() && glue.should_split(original, o, c) {
                        b.copy(&original[run..o], run);
                        b.insert_space(o);
                        run = o;
                    }
                    glue.push(o, c);
                    o += 1;
                }
                b.copy(&original[run..o], run);
                continue;
            }
            // `o` is always a char boundary: runs stop only before a non-plain char.
            let Some(c) = original[o..].chars().next() else {
                break;
            };
            let width = c.len_utf8();
            let replaced = match c {
                '\r' => {
                    let len = if bytes.get(o + 1) == Some(&b'\n') {
                        2
                    } else {
                        1
                    };
                    b.emit('\n', o, len);
                    glue.reset();
                    o += len;
                    continue;
                }
                // Doubled single marks are double quotes in older wire and NYT copy:
                // ''Like this,'' and ``this''.
                '\'' | '`' | '\u{2018}' | '\u{2019}' if original[o + width..].starts_with(c) => {
                    b.emit('"', o, 2 * width);
                    glue.reset();
                    o += 2 * width;
                    continue;
                }
                // Zero-width space, BOM, word joiner, soft hyphen: invisible, so dropped.
                '\u{200B}' | '\u{FEFF}' | '\u{2060}' | '\u{00AD}' => {
                    b.remove(o);
                    o += width;
                    continue;
                }
                '\u{000B}' | '\u{000C}' | '\u{0085}' | '\u{2028}' | '\u{2029}' => Some('\n'),
                '\u{00A0}'
                | '\u{1680}'
                | '\u{2000}'..='\u{200A}'
                | '\u{202F}'
                | '\u{205F}'
                | '\u{3000}' => Some(' '),
                '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{00AB}' | '\u{00BB}'
                | '\u{2033}' | '\u{301D}' | '\u{301E}' | '\u{FF02}' => Some('"'),
                '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{2039}'
                | '\u{203A}' => Some('\''),
                _ => None,
            };
            match replaced {
                Some(r) => {
                    b.emit(r, o, width);
                    glue.reset();
                }
                None => {
                    if glue.should_split(original, o, c) {
                        b.insert_space(o);
                    }
                    glue.push(o, c);
                    b.emit(c, o, width);
                }
            }
            o += width;
        }
        b.finish(original.len());
        Normalized {
            text: b.text,
            anchors: b.anchors,
            original_len: original.len(),
        }
    }

    /// The normalised text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Original byte offset of normalised byte offset `b` (b may equal len; always a
    /// char boundary of the original). Offsets past the end are clamped; offsets inside
    /// a char are rounded down. Where chars were removed, this is the offset after them.
    pub fn to_original(&self, b: usize) -> usize {
        let b = self.floor(b);
        let i = self.anchors.partition_point(|a| a.0 <= b);
        let (n, o) = self.anchors[i.saturating_sub(1)];
        (o + (b - n)).min(self.original_len)
    }

    /// Original offset for `b` used as the end of a range: before any removed chars.
    fn to_original_end(&self, b: usize) -> usize {
        let b = self.floor(b);
        let i = self.anchors.partition_point(|a| a.0 < b);
        let (n, o) = match self.anchors.get(i) {
            Some(&a) if a.0 == b => a,
            _ => self.anchors[i.saturating_sub(1)],
        };
        (o + (b - n)).min(self.original_len)
    }

    /// Original byte range whose slice corresponds to normalised range `r` (char
    /// boundaries of the original). A reversed range is read as empty at its start.
    pub fn original_range(&self, r: Range<usize>) -> Range<usize> {
        let start = self.to_original(r.start);
        let end = self.to_original_end(r.end.max(r.start)).max(start);
        start..end
    }

    fn floor(&self, b: usize) -> usize {
        let mut b = b.min(self.text.len());
        while !self.text.is_char_boundary(b) {
            b -= 1;
        }
        b
    }
}

/// ASCII that normalisation copies unchanged (all but `\r`, single marks, VT and FF).
fn is_plain_ascii(b: u8) -> bool {
    b.is_ascii() && !matches!(b, b'\r' | b'\'' | b'`' | 0x0B | 0x0C)
}

struct Builder {
    text: String,
    anchors: Vec<(usize, usize)>,
}

impl Builder {
    fn current(&self, n: usize) -> usize {
        // anchors is never empty: it starts with (0, 0).
        let (an, ao) = self.anchors.last().copied().unwrap_or((0, 0));
        ao + (n - an)
    }

    /// Appends `c`, which stands for `len` original bytes at `o`.
    fn emit(&mut self, c: char, o: usize, len: usize) {
        let n = self.text.len();
        if self.current(n) != o {
            self.anchors.push((n, o));
        }
        self.text.push(c);
        // A replacement of different width shifts the map from the next byte on.
        if len != c.len_utf8() {
            self.anchors.push((self.text.len(), o + len));
        }
    }

    /// Appends `s`, a copy of the original bytes at `o`: `emit` of each of its chars.
    fn copy(&mut self, s: &str, o: usize) {
        if s.is_empty() {
            return;
        }
        let n = self.text.len();
        if self.current(n) != o {
            self.anchors.push((n, o));
        }
        self.text.push_str(s);
    }

    /// Drops the original char at `o` (the next emitted char records where it resumes).
    fn remove(&mut self, o: usize) {
        let n = self.text.len();
        // The "before" anchor, so that a range ending here excludes the removed char. An
        // anchor already at `n` (start, earlier removal, replacement or inserted space)
        // ends exactly at `o` and serves as such.
        if self.anchors.last().map(|a| a.0) != Some(n) {
            self.anchors.push((n, o));
        }
    }

    /// Inserts a space of zero original width before original offset `o`.
    fn insert_space(&mut self, o: usize) {
        let n = self.text.len();
        if self.current(n) != o {
            self.anchors.push((n, o));
        }
        self.text.push(' ');
        self.anchors.push((n + 1, o));
    }

    fn finish(&mut self, original_len: usize) {
        let n = self.text.len();
        if self.current(n) != original_len {
            self.anchors.push((n, original_len));
        }
    }
}

/// Tracks the current letter run to find glued words such as `PressIran`.
#[derive(Default)]
struct GlueState {
    /// Original offset where the current letter run starts, if the last char was a letter.
    word_start: Option<usize>,
    /// The char before that run.
    before_word: Option<char>,
    /// Consecutive lowercase letters just seen.
    lower_run: usize,
    /// Uppercase letters in the run so far.
    uppers: usize,
    /// Whether the run starts with an uppercase letter.
    starts_upper: bool,
    last: Option<char>,
}

impl GlueState {
    fn reset(&mut self) {
        *self = GlueState {
            last: None,
            ..GlueState::default()
        };
    }

    fn push(&mut self, o: usize, c: char) {
        if c.is_alphabetic() {
            if self.word_start.is_none() {
                self.word_start = Some(o);
                self.before_word = self.last;
                self.uppers = 0;
                self.lower_run = 0;
                self.starts_upper = c.is_uppercase();
            }
            if c.is_lowercase() {
                self.lower_run += 1;
            } else {
                self.lower_run = 0;
                if c.is_uppercase() {
                    self.uppers += 1;
                }
            }
        } else {
            self.word_start = None;
            self.lower_run = 0;
        }
        self.last = Some(c);
    }

    /// True when a space belongs before uppercase `c` at original offset `o`.
    fn should_split(&self, original: &str, o: usize, c: char) -> bool {
        if !c.is_uppercase() || self.lower_run < 3 {
            return false;
        }
        let Some(ws) = self.word_start else {
            return false;
        };
        // The first part must be a plain word ("news", "Press"), not camel case already
        // ("JPMorgan"), and not part of a handle, hashtag, path or domain.
        let simple = self.uppers == 0 || (self.uppers == 1 && self.starts_upper);
        if !simple
            || matches!(
                self.before_word,
                Some('#' | '@' | '/' | '.' | '_' | '\\' | '\'' | '&')
            )
        {
            return false;
        }
        // The second part must look like a word: an uppercase letter and two lowercase.
        let rest = original.get(o..).unwrap_or_default();
        let mut it = rest.chars().skip(1);
        if !(it.next().is_some_and(char::is_lowercase) && it.next().is_some_and(char::is_lowercase))
        {
            return false;
        }
        let first = original.get(ws..o).unwrap_or_default();
        if NAME_PREFIXES.contains(&first) {
            return false;
        }
        let word_end = rest
            .find(|ch: char| !ch.is_alphabetic())
            .map_or(original.len(), |e| o + e);
        let word = original.get(ws..word_end).unwrap_or_default();
        let singular = word.strip_suffix('s').unwrap_or(word);
        !(CAMEL_BRANDS.binary_search(&word).is_ok()
            || CAMEL_BRANDS.binary_search(&singular).is_ok())
    }
}

/// Name prefixes written glued to a capitalised name ("FitzGerald", "VanderSloot").
/// Shorter ones (Mc, Mac, De, Di, La, Le, O') never reach the three-lowercase threshold.
const NAME_PREFIXES: &[&str] = &[
    "Abu", "Bin", "Della", "Des", "Fitz", "Saint", "Van", "Vande", "Vander", "Von",
];

/// Camel-case names common in news whose parts both look like words. Sorted (a test
/// checks), for binary search.
const CAMEL_BRANDS: &[&str] = &[
    "AccuWeather",
    "ArcelorMittal",
    "AstraZeneca",
    "BlackBerry",
    "BlackRock",
    "BlackWater",
    "BuzzFeed",
    "CenturyLink",
    "CloudFlare",
    "ConocoPhillips",
    "CounterPunch",
    "CrowdStrike",
    "CrowdTangle",
    "DealBook",
    "DoorDash",
    "DoubleClick",
    "DoubleLine",
    "DreamWorks",
    "EgyptAir",
    "ExxonMobil",
    "FireEye",
    "FiveThirtyEight",
    "FlightAware",
    "FreedomWorks",
    "GlaxoSmithKline",
    "HarperCollins",
    "HealthCare",
    "HuffPollster",
    "HuffPost",
    "JavaScript",
    "MasterCard",
    "MetroCard",
    "NeverTrump",
    "NewsHour",
    "PetroChina",
    "PlayStation",
    "PowerPoint",
    "PricewaterhouseCoopers",
    "QuickBooks",
    "RealClearPolitics",
    "SeaWorld",
    "SharePoint",
    "SmackDown",
    "SoftBank",
    "SolarWinds",
    "SoundCloud",
    "StarCraft",
    "SurveyMonkey",
    "ThyssenKrupp",
    "TurboTax",
    "UnitedHealth",
    "WashPost",
    "WhatsApp",
    "WikiLeaks",
    "WordPress",
    "WorldCom",
    "WorldPost",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> String {
        Normalized::new(s).as_str().to_string()
    }

    #[test]
    fn brand_list_is_sorted() {
        assert!(CAMEL_BRANDS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn replaces_spaces_quotes_and_line_ends() {
        assert_eq!(norm("a\u{a0}b\u{202f}c\u{2009}d"), "a b c d");
        assert_eq!(
            norm("\u{201c}Hi\u{201d} \u{201e}x\u{201c} \u{ab}y\u{bb} 5\u{2033}"),
            "\"Hi\" \"x\" \"y\" 5\""
        );
        assert_eq!(
            norm("\u{2018}No\u{2019} it\u{2019}s \u{201a}5\u{2032}"),
            "'No' it's '5'"
        );
        assert_eq!(norm("a\u{200b}b\u{feff}c"), "abc");
        assert_eq!(norm("''Go,'' he said. ``No''"), "\"Go,\" he said. \"No\"");
        assert_eq!(norm("a\r\nb\rc"), "a\nb\nc");
        assert_eq!(
            norm("en\u{2013}dash \u{2014} em"),
            "en\u{2013}dash \u{2014} em"
        );
    }

    #[test]
    fn splits_glued_words() {
        assert_eq!(norm("Iran PressIran news:"), "Iran Press Iran news:");
        assert_eq!(norm("tipsWhy aboutVladimir"), "tips Why about Vladimir");
        assert_eq!(norm("5ptsmoderatorFeatured"), "5ptsmoderator Featured");
    }

    #[test]
    fn keeps_camel_case_names() {
        for s in [
            "McDonald",
            "MacArthur",
            "MacDonald",
            "iPhone",
            "eBay",
            "YouTube",
            "PayPal",
            "JPMorgan",
            "DeSantis",
            "LaGuardia",
            "DiCaprio",
            "LeBron",
            "O'Neill",
            "FitzGerald",
            "VanderSloot",
            "LinkedIn",
            "SpaceX",
            "OpenAI",
            "macOS",
            "HuffPost",
            "BlackBerrys",
            "GlaxoSmithKline",
            "JPMorganChase",
            "#BlackLivesMatter",
            "@realDonaldTrump",
            "presstv.com/WorldNews",
            "TikTok",
        ] {
            assert_eq!(norm(s), s);
        }
    }

    #[test]
    fn maps_offsets_back() {
        let orig = "\u{201c}Hi\u{201d}\u{200b} PressIran\u{a0}x\r\n";
        let n = Normalized::new(orig);
        assert_eq!(n.as_str(), "\"Hi\" Press Iran x\n");
        let t = n.as_str();
        // Every char of the normalised text maps to a char boundary of the original.
        for b in (0..=t.len()).filter(|&b| t.is_char_boundary(b)) {
            assert!(orig.is_char_boundary(n.to_original(b)), "{b}");
        }
        let slice = |r: Range<usize>| &orig[n.original_range(r)];
        assert_eq!(slice(0..4), "\u{201c}Hi\u{201d}");
        assert_eq!(slice(1..3), "Hi");
        assert_eq!(slice(5..10), "Press");
        assert_eq!(slice(11..15), "Iran");
        assert_eq!(slice(5..15), "PressIran");
        assert_eq!(slice(10..11), "");
        assert_eq!(slice(0..t.len()), orig);
        // Removed chars fall outside ranges on both sides.
        assert_eq!(slice(4..5), " ");
        assert_eq!(slice(3..4), "\u{201d}");
        assert_eq!(slice(17..18), "\r\n");
        assert_eq!(n.to_original(t.len()), orig.len());
    }

    #[test]
    fn removed_chars_stay_outside_ranges() {
        let orig = "\u{feff}ab\u{200b}\u{200b}cd\u{200b}";
        let n = Normalized::new(orig);
        assert_eq!(n.as_str(), "abcd");
        assert_eq!(&orig[n.original_range(0..2)], "ab");
        assert_eq!(&orig[n.original_range(2..4)], "cd");
        assert_eq!(n.to_original(4), orig.len());
        assert_eq!(n.original_range(2..2), 11..11);
    }
}
