//! Cross-module tests of the text stage: offsets back into the original, the wire
//! article, properties on arbitrary input, and (ignored) sentence-boundary figures on
//! NewsDiscourse.

use super::*;
use proptest::prelude::*;
use std::collections::HashSet;
use std::path::PathBuf;

fn shared(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared")
        .join(rel)
}

/// Slices the original with the mapped ranges of every sentence and quote content.
fn original_sentences(original: &str) -> (Vec<&str>, Vec<&str>) {
    let l = TextLayout::new(original);
    let s = l
        .sentences
        .iter()
        .map(|s| &original[l.norm.original_range(s.range.clone())])
        .collect();
    let q = l
        .quotes
        .iter()
        .map(|q| &original[l.norm.original_range(q.content.clone())])
        .collect();
    (s, q)
}

#[test]
fn offsets_slice_the_original() {
    let t = "Gaza\u{a0}(IP)\u{a0}- \u{201c}We\u{2019}ll win.\u{201d} said Haniyeh.\r\n\r\nCaf\u{e9} owner Jose\u{301} \u{1F600} said \u{201c}no\u{201d}.\u{200b} It\u{2019}s over.";
    let (s, q) = original_sentences(t);
    assert_eq!(
        s,
        [
            "Gaza\u{a0}(IP)\u{a0}- \u{201c}We\u{2019}ll win.\u{201d} said Haniyeh.",
            "Caf\u{e9} owner Jose\u{301} \u{1F600} said \u{201c}no\u{201d}.",
            "It\u{2019}s over."
        ]
    );
    assert_eq!(q, ["We\u{2019}ll win.", "no"]);
}

#[test]
fn offsets_with_glued_words_and_multi_paragraph_quotes() {
    let t = "Iran PressIran news:\u{a0}He said: \u{201c}We stand.\n\n\u{201c}We will win,\u{201d} he added.";
    let l = TextLayout::new(t);
    assert!(l.norm.as_str().starts_with("Iran Press Iran news: He"));
    let (s, q) = original_sentences(t);
    assert_eq!(
        s,
        [
            "Iran PressIran news:\u{a0}He said: \u{201c}We stand.",
            "\u{201c}We will win,\u{201d} he added."
        ]
    );
    assert_eq!(q, ["We stand.", "We will win,"]);
    assert_eq!(l.quotes[0].close, None);
    assert!(l.quotes[1].close.is_some());
}

/// A wire-like article committed here, so the check runs without ../shared.
const WIRE: &str =
    "Tehran (IP) - The Leader received the head of the bureau on Tuesday evening.\n\n\
Iran PressIran news:\u{a0}The head of the bureau arrived in Tehran on Tuesday.\u{a0}\n\n\
Khamenei said: \"The patience of the people is a great phenomenon.\"\n\n\
He called for more action in this regard. \u{a0} \u{a0}\n\n\n\
Read more:\n\n\
Political isolation of Israel, result of Gaza's unique resistance: Haniya\n\n\
Hamas political Bureau Chief just arrives in Tehran";

fn check_wire(text: &str) {
    let l = TextLayout::new(text);
    let t = l.norm.as_str();
    let sents: Vec<&str> = l.sentences.iter().map(|s| &t[s.range.clone()]).collect();
    // Every paragraph is covered by its sentences.
    for (pi, p) in l.paragraphs.iter().enumerate() {
        let mine: Vec<_> = l.sentences.iter().filter(|s| s.paragraph == pi).collect();
        assert!(!mine.is_empty(), "paragraph {pi} has no sentence");
        assert_eq!(mine[0].range.start, p.start);
        assert_eq!(mine[mine.len() - 1].range.end, p.end);
    }
    for own in [
        "Read more:",
        "Hamas political Bureau Chief just arrives in Tehran",
    ] {
        assert!(sents.contains(&own), "{own:?} is not its own sentence");
    }
    assert!(sents
        .iter()
        .any(|s| s.starts_with("Political isolation of Israel") && s.ends_with(": Haniya")));
    let first = sents.first().copied().unwrap_or_default();
    assert!(
        first.starts_with("Tehran (IP) - The Leader") && first.ends_with("evening."),
        "{first:?}"
    );
}

#[test]
fn wire_like_article() {
    check_wire(WIRE);
    let l = TextLayout::new(WIRE);
    assert_eq!(l.sentences.len(), 7);
}

#[test]
fn wire_article_example() {
    let path = shared("examples/wire-article.txt");
    let Ok(text) = std::fs::read_to_string(&path) else {
        crate::test_skip::skip(&format!("{} is absent", path.display()));
        return;
    };
    check_wire(&text);
}

fn check_layout(original: &str) {
    let l = TextLayout::new(original);
    let t = l.norm.as_str();
    let ok = |r: &std::ops::Range<usize>| {
        r.start <= r.end
            && r.end <= t.len()
            && t.is_char_boundary(r.start)
            && t.is_char_boundary(r.end)
    };
    let ok_orig = |r: &std::ops::Range<usize>| {
        let o = l.norm.original_range(r.clone());
        o.start <= o.end
            && o.end <= original.len()
            && original.is_char_boundary(o.start)
            && original.is_char_boundary(o.end)
    };
    for p in &l.paragraphs {
        assert!(ok(p) && ok_orig(p) && p.start < p.end);
    }
    let mut last = 0;
    for s in &l.sentences {
        assert!(ok(&s.range) && ok_orig(&s.range), "{s:?}");
        assert!(
            s.range.start >= last && s.range.start < s.range.end,
            "{s:?}"
        );
        assert!(!t[s.range.clone()].trim().is_empty());
        last = s.range.end;
    }
    let mut last = 0;
    for q in &l.quotes {
        assert!(
            ok(&q.content) && ok(&q.open) && ok_orig(&q.content),
            "{q:?}"
        );
        assert!(
            q.open.start >= last
                && q.open.end <= q.content.start
                && q.content.start < q.content.end,
            "{q:?}"
        );
        last = q.content.end;
        if let Some(c) = &q.close {
            assert!(ok(c) && c.start >= q.content.end, "{q:?}");
            last = c.end;
        }
    }
    for b in (0..=t.len()).filter(|&b| t.is_char_boundary(b)) {
        assert!(original.is_char_boundary(l.norm.to_original(b)));
    }
    for tok in tokenize(t) {
        assert!(ok(&tok.range) && !tok.text.trim().is_empty());
    }
    // The public functions also hold on text that was not normalised.
    let raw = |r: &std::ops::Range<usize>| {
        r.start < r.end
            && r.end <= original.len()
            && original.is_char_boundary(r.start)
            && original.is_char_boundary(r.end)
    };
    let mut last = 0;
    for s in segment(original) {
        assert!(raw(&s.range) && s.range.start >= last, "{s:?}");
        last = s.range.end;
    }
    let mut last = 0;
    for q in pair_quotes(original) {
        assert!(
            raw(&q.content) && raw(&q.open) && q.open.start >= last,
            "{q:?}"
        );
        last = q.close.map_or(q.content.end, |c| c.end);
    }
    for tok in tokenize(original) {
        assert!(raw(&tok.range));
    }
    check_sentence_tokens(&l);
}

/// The layout's tokens are the text's, and where `tokens_within` answers for a
/// sentence it gives what tokenising the sentence alone gives.
fn check_sentence_tokens(l: &TextLayout) {
    let t = l.norm.as_str();
    let whole: Vec<_> = tokenize(t).into_iter().map(|k| (k.range, k.kind)).collect();
    let mine: Vec<_> = l.tokens.iter().map(|k| (k.range(), k.kind)).collect();
    assert_eq!(whole, mine);
    for s in &l.sentences {
        let Some(ts) = l.tokens_within(&s.range) else {
            continue;
        };
        let own: Vec<_> = tokenize(&t[s.range.clone()])
            .into_iter()
            .map(|k| {
                (
                    k.range.start + s.range.start..k.range.end + s.range.start,
                    k.kind,
                )
            })
            .collect();
        let sliced: Vec<_> = ts.iter().map(|k| (k.range(), k.kind)).collect();
        assert_eq!(own, sliced, "sentence {:?}", &t[s.range.clone()]);
    }
    for s in &l.sentences {
        assert_eq!(
            l.sentence_tokens(&s.range),
            tokenize(&t[s.range.clone()]),
            "sentence {:?}",
            &t[s.range.clone()]
        );
    }
}

#[test]
fn sentence_tokens_fall_back_where_a_token_crosses_the_boundary() {
    let l = TextLayout::new("Talks end in the U.S. Leaders left. Then more came.");
    for s in &l.sentences {
        assert!(l.tokens_within(&s.range).is_some());
    }
    check_sentence_tokens(&l);
    // A range ending inside a word, or followed by a word character, is not answered.
    assert!(l.tokens_within(&(0..3)).is_none());
    assert!(l.tokens_within(&(17..20)).is_none()); // "U.S" then "."
    assert_eq!(l.tokens_within(&(0..5)).map(<[_]>::len), Some(1));
}

proptest! {
    #[test]
    fn layout_holds_on_any_unicode(s in "\\PC*") {
        check_layout(&s);
    }

    #[test]
    fn layout_holds_on_tricky_chars(s in proptest::collection::vec(proptest::sample::select(vec![
        "\"", "'", "\u{201c}", "\u{201d}", "\u{2018}", "\u{2019}", "\u{a0}", "\u{200b}", "\u{feff}", ".", "...",
        "\u{2026}", "?", "!", "\n", "\n\n", "\r\n", "\r", " ", "\u{e9}", "e\u{301}", "\u{1F600}", "a", "b", "s",
        "A", "B", "I", "U.S.", "Mr.", "The", "Press", "Iran", "ress", "-", "(", ")", ":", "1", "5.5",
        "\u{3000}", "\u{2028}", "\u{85}", "'s", "[", "]", "- ", "\u{2022} ", "\t",
    ]), 0..60)) {
        check_layout(&s.concat());
    }
}

/// Sentence-boundary precision/recall/F1 against NewsDiscourse gold sentences.
/// `NEWSROLES_SPLIT=train|dev` (default dev); `NEWSROLES_SHOW=N` prints N misses.
#[test]
#[ignore = "reads ../shared/corpora; run with --ignored --nocapture"]
fn newsdiscourse_boundaries() {
    let split = std::env::var("NEWSROLES_SPLIT").unwrap_or_else(|_| "dev".into());
    let path = shared(&format!("corpora/newsroles/newsdiscourse-{split}.jsonl"));
    let Ok(data) = std::fs::read_to_string(&path) else {
        crate::test_skip::skip(&format!("{} is absent", path.display()));
        return;
    };
    let show: usize = std::env::var("NEWSROLES_SHOW")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let (mut tp, mut npred, mut ngold, mut shown) = (0usize, 0usize, 0usize, 0usize);
    let (mut elapsed, mut nbytes, mut ntokens) = (std::time::Duration::ZERO, 0usize, 0usize);
    for line in data.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).expect("valid JSON line");
        let text = v["text"].as_str().unwrap_or_default();
        // Code points to bytes.
        let bytes: Vec<usize> = text
            .char_indices()
            .map(|(b, _)| b)
            .chain([text.len()])
            .collect();
        let at = |c: &serde_json::Value| {
            c.as_u64()
                .and_then(|c| bytes.get(c as usize).copied())
                .unwrap_or(0)
        };
        let trim = |r: (usize, usize)| {
            let s = &text[r.0..r.1];
            let lead = s.len() - s.trim_start().len();
            (r.0 + lead, r.0 + lead + s.trim().len())
        };
        let gold: Vec<(usize, usize)> = v["sentences"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|s| trim((at(&s["start"]), at(&s["end"]))))
                    .collect()
            })
            .unwrap_or_default();
        let Some(first) = gold.iter().map(|g| g.0).min() else {
            continue;
        };
        let t0 = std::time::Instant::now();
        let l = TextLayout::new(text);
        let ntok: usize = l
            .sentences
            .iter()
            .map(|s| tokenize(&l.norm.as_str()[s.range.clone()]).len())
            .sum();
        elapsed += t0.elapsed();
        nbytes += text.len();
        ntokens += ntok;
        // The headline has no gold sentence: only sentences from the first gold one on count.
        let pred: Vec<(usize, usize)> = l
            .sentences
            .iter()
            .map(|s| l.norm.original_range(s.range.clone()))
            .map(|r| trim((r.start, r.end)))
            .filter(|r| r.0 >= first)
            .collect();
        let gs: HashSet<_> = gold.iter().copied().collect();
        let ps: HashSet<_> = pred.iter().copied().collect();
        tp += pred.iter().filter(|p| gs.contains(p)).count();
        npred += pred.len();
        ngold += gold.len();
        for g in gold.iter().filter(|g| !ps.contains(g)) {
            if shown < show {
                shown += 1;
                let around: Vec<&str> = pred
                    .iter()
                    .filter(|p| p.0 < g.1 && g.0 < p.1)
                    .map(|p| &text[p.0..p.1])
                    .collect();
                println!("GOLD {:?}\n  PRED {:?}\n", &text[g.0..g.1], around);
            }
        }
    }
    let p = tp as f64 / npred.max(1) as f64;
    let r = tp as f64 / ngold.max(1) as f64;
    let f = if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    };
    println!("newsdiscourse-{split}: gold {ngold}, predicted {npred}, exact {tp}; P {p:.4} R {r:.4} F1 {f:.4}");
    let mbs = nbytes as f64 / 1e6 / elapsed.as_secs_f64().max(1e-9);
    println!("layout + tokenize: {nbytes} bytes, {ntokens} tokens in {elapsed:?} ({mbs:.1} MB/s)");
}

#[test]
#[ignore = "prints the layout of ../shared/examples/wire-article.txt"]
fn print_wire_article() {
    let Ok(text) = std::fs::read_to_string(shared("examples/wire-article.txt")) else {
        return;
    };
    let l = TextLayout::new(&text);
    for s in &l.sentences {
        println!(
            "[{} {}] {:?}",
            s.paragraph,
            s.index_in_paragraph,
            &l.norm.as_str()[s.range.clone()]
        );
    }
    for q in &l.quotes {
        println!(
            "QUOTE {:?} closed={}",
            &l.norm.as_str()[q.content.clone()],
            q.close.is_some()
        );
    }
}

/// Quote-mark spans against PolNeAR attributions: the share of mark spans that overlap a
/// gold quote, and the share of direct gold quotes (starting with or after a mark) that
/// mark spans cover at least half of. `NEWSROLES_SPLIT=train|dev` (default dev);
/// `NEWSROLES_SHOW=N` prints N missed direct quotes.
#[test]
#[ignore = "reads ../shared/corpora; run with --ignored --nocapture"]
fn polnear_quote_marks() {
    let split = std::env::var("NEWSROLES_SPLIT").unwrap_or_else(|_| "dev".into());
    let path = shared(&format!("corpora/newsroles/polnear-{split}.jsonl"));
    let Ok(data) = std::fs::read_to_string(&path) else {
        crate::test_skip::skip(&format!("{} is absent", path.display()));
        return;
    };
    let (mut pred, mut pred_ok, mut direct, mut direct_found) = (0usize, 0usize, 0usize, 0usize);
    let show: usize = std::env::var("NEWSROLES_SHOW")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut shown = 0;
    for line in data.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).expect("valid JSON line");
        let text = v["text"].as_str().unwrap_or_default();
        let bytes: Vec<usize> = text
            .char_indices()
            .map(|(b, _)| b)
            .chain([text.len()])
            .collect();
        let at = |c: &serde_json::Value| {
            c.as_u64()
                .and_then(|c| bytes.get(c as usize).copied())
                .unwrap_or(0)
        };
        let gold: Vec<(usize, usize)> = v["quotes"]
            .as_array()
            .map(|a| a.iter().map(|q| (at(&q["start"]), at(&q["end"]))).collect())
            .unwrap_or_default();
        let l = TextLayout::new(text);
        let mine: Vec<(usize, usize)> = l
            .quotes
            .iter()
            .map(|q| l.norm.original_range(q.content.clone()))
            .map(|r| (r.start, r.end))
            .collect();
        let overlap =
            |a: (usize, usize), b: (usize, usize)| a.1.min(b.1).saturating_sub(a.0.max(b.0));
        pred += mine.len();
        pred_ok += mine
            .iter()
            .filter(|&&m| gold.iter().any(|&g| overlap(m, g) > 0))
            .count();
        for &g in &gold {
            // PolNeAR spans usually include the marks.
            let before = text[..g.0].trim_end().chars().next_back();
            let first = text[g.0..].chars().next();
            let is_mark =
                |c: Option<char>| matches!(c, Some('"' | '\u{201c}' | '\u{201d}' | '`' | '\''));
            if is_mark(before) || is_mark(first) {
                direct += 1;
                let covered: usize = mine.iter().map(|&m| overlap(m, g)).sum();
                let found = 2 * covered >= g.1 - g.0;
                direct_found += usize::from(found);
                if !found && shown < show {
                    shown += 1;
                    let ctx = |b: usize| {
                        (b.min(text.len())..=text.len())
                            .find(|&b| text.is_char_boundary(b))
                            .unwrap_or(text.len())
                    };
                    println!(
                        "MISSED {:?}\n  IN {:?}\n",
                        &text[g.0..g.1],
                        &text[ctx(g.0.saturating_sub(60))..ctx(g.1 + 60)]
                    );
                }
            }
        }
    }
    println!(
        "polnear-{split}: {pred} mark spans, {:.4} overlap a gold quote; {direct} direct gold quotes, {:.4} covered",
        pred_ok as f64 / pred.max(1) as f64,
        direct_found as f64 / direct.max(1) as f64
    );
}

#[test]
fn types_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<TextLayout>();
    check::<Token<'static>>();
}
