//! Hand-made cases for each construction, and the wire article.

use super::*;

fn run(text: &str) -> (DocAttribution, String) {
    let layout = TextLayout::new(text);
    let norm = layout.norm.as_str().to_string();
    (Attributor::rules().attribute(&layout), norm)
}

/// `(content, speaker mention, entity)` of every quote.
fn triples(text: &str) -> Vec<(String, Option<String>, Option<String>)> {
    let (a, t) = run(text);
    a.quotes
        .iter()
        .map(|q| {
            (
                t[q.content.clone()].to_string(),
                q.speaker.as_ref().map(|s| t[s.mention.clone()].to_string()),
                q.speaker.as_ref().map(|s| s.entity.clone()),
            )
        })
        .collect()
}

fn one(text: &str) -> (String, String, String) {
    let q = triples(text);
    assert_eq!(q.len(), 1, "{q:?}");
    let (c, m, e) = q[0].clone();
    (c, m.unwrap_or_default(), e.unwrap_or_default())
}

#[test]
fn direct_quote_with_trailing_she_said() {
    let (c, m, e) = one("Mary Stone spoke first.\n\n\"We will win this race,\" she said.");
    assert_eq!(c, "We will win this race,");
    assert_eq!(m, "she");
    assert_eq!(e, "Mary Stone");
}

#[test]
fn said_that() {
    let (c, m, _) = one("Senator John Miller said that the bill would pass next week.");
    assert_eq!(c, "that the bill would pass next week");
    assert_eq!(m, "Senator John Miller");
}

#[test]
fn according_to() {
    let (c, m, _) = one("According to the ministry, the talks will resume on Monday.");
    assert_eq!(c, "the talks will resume on Monday");
    assert_eq!(m, "the ministry");
    let (c, m, _) = one("The talks will resume on Monday, according to two diplomats.");
    assert_eq!(c, "The talks will resume on Monday");
    assert!(m.contains("diplomats"), "{m}");
}

#[test]
fn told_reporters() {
    let (c, m, _) = one("Governor Ann Baker told reporters the budget was balanced.");
    assert_eq!(c, "the budget was balanced");
    assert_eq!(m, "Governor Ann Baker");
}

#[test]
fn for_his_part_and_pointed_out() {
    let q = triples(
        "Ismail Haniya, for his part, appreciated the support of the people.\n\n\
         The war is a world war, he pointed out.",
    );
    assert_eq!(q.len(), 2, "{q:?}");
    assert_eq!(q[0].1.as_deref(), Some("Ismail Haniya"));
    assert_eq!(q[1].0, "The war is a world war");
    assert_eq!(q[1].1.as_deref(), Some("he"));
    assert_eq!(q[1].2.as_deref(), Some("Ismail Haniya"));
}

#[test]
fn multi_paragraph_quote_continues_the_speaker() {
    let text = "Tom Reed said: \"The first part of the plan is simple.\n\n\
                \"The second part is harder, and it will take years.\"";
    let q = triples(text);
    assert_eq!(q.len(), 2, "{q:?}");
    for (_, m, e) in &q {
        assert_eq!(m.as_deref(), Some("Tom Reed"), "{q:?}");
        assert_eq!(e.as_deref(), Some("Tom Reed"));
    }
}

#[test]
fn mixed_quote_is_one_quote() {
    let (c, m, _) = one("Clinton says Trump \"may not have paid a dime\" in federal taxes.");
    assert_eq!(c, "Trump \"may not have paid a dime\" in federal taxes");
    assert_eq!(m, "Clinton");
}

#[test]
fn headline_claim_colon_speaker() {
    let q = triples("Isolation of Israel is the result of resistance: Haniya\n\nIsmail Haniya arrived in Tehran.");
    assert_eq!(q.len(), 1, "{q:?}");
    assert_eq!(q[0].0, "Isolation of Israel is the result of resistance");
    assert_eq!(q[0].1.as_deref(), Some("Haniya"));
    assert_eq!(q[0].2.as_deref(), Some("Ismail Haniya"));
}

#[test]
fn pronoun_resolves_to_the_nearest_compatible_person() {
    let q = triples(
        "Mrs. Jane Doe met Mr. Paul Roe in Paris.\n\n\"It went well,\" she said.\n\n\
         \"We agreed on nothing,\" he said.",
    );
    assert_eq!(q.len(), 2, "{q:?}");
    assert_eq!(q[0].2.as_deref(), Some("Jane Doe"));
    assert_eq!(q[1].2.as_deref(), Some("Paul Roe"));
}

#[test]
fn surname_and_spelling_variants_cluster() {
    let (a, _) = run(
        "Ismail Haniya visited Tehran.\n\nHaniyeh said the visit was important for the region.\n\n\
         Haniya added that talks would go on.",
    );
    let ents: Vec<&str> = a
        .quotes
        .iter()
        .filter_map(|q| q.speaker.as_ref())
        .map(|s| s.entity.as_str())
        .collect();
    assert_eq!(ents, ["Ismail Haniya", "Ismail Haniya"]);
    let e = a
        .entities
        .iter()
        .find(|e| e.entity == "Ismail Haniya")
        .expect("entity");
    assert_eq!((e.mentions, e.quotes), (3, 2));
}

#[test]
fn title_apposition_names_the_description() {
    let q = triples(
        "The Leader of the Islamic Revolution Ayatollah Khamenei received the guests.\n\n\
         The Leader of the Islamic Revolution also praised the people of Gaza.",
    );
    assert_eq!(q.len(), 1, "{q:?}");
    assert_eq!(
        q[0].1.as_deref(),
        Some("The Leader of the Islamic Revolution")
    );
    assert_eq!(q[0].2.as_deref(), Some("Ayatollah Khamenei"));
}

#[test]
fn officials_without_a_name_are_their_own_entity() {
    let (_, m, e) = one("Officials said the bridge would reopen in May.");
    assert_eq!(m, "Officials");
    assert_eq!(e, "Officials");
}

#[test]
fn no_attribution_no_quote() {
    assert!(triples("The bridge reopened on Tuesday after two years of repairs.").is_empty());
    assert!(triples("").is_empty());
}

#[test]
fn spans_slice_the_normalised_text() {
    let (a, t) = run("\u{201c}Fine,\u{201d} he said.\u{a0}Officials said it was over.");
    assert!(!a.quotes.is_empty());
    for w in a.quotes.windows(2) {
        assert!(w[0].content.start <= w[1].content.start);
    }
    for q in &a.quotes {
        assert!(t.get(q.content.clone()).is_some());
        if let Some(s) = &q.speaker {
            assert!(t.get(s.mention.clone()).is_some());
        }
    }
}

/// A miniature of `examples/wire-article.txt`.
const MINI_WIRE: &str =
    "Tehran (IP) - The Leader of the Islamic Revolution Ayatollah Khamenei received \
the head of Palestinian Hamas' political bureau Ismail Haniya on Tuesday evening.

Ayatollah Khamenei said: \u{201c}The patience of the people of Gaza is a great phenomenon.\u{201d}

The genocide in Gaza upsets any human who enjoys conscience, he said, and called for more action.

Ismail Haniya, for his part, appreciated the Iranian nation's support for the Palestinian issue.

He referred to the operation as one that broke the image of the enemy.

The war on Gaza is a world war, he pointed out.

Haniya ensured that the people of the strip stand strong.

During his trip, the Hamas chief met the officials of Iran.

Haniyeh's visit to Tehran is important because it comes after the resolution.

Read more:

Political isolation of Israel, result of Gaza's unique resistance: Haniya
";

/// Every quote of the wire article by its two speakers, with the entity expected.
fn check_wire(text: &str) {
    let (a, t) = run(text);
    let expect = [
        ("The Leader of the Islamic Revolution", "Khamenei"),
        ("The patience of the people", "Khamenei"),
        ("The historical patience", "Khamenei"),
        ("The genocide in Gaza", "Khamenei"),
        ("the Iranian nation", "Ismail Haniya"),
        ("the Al-Aqsa Flood", "Ismail Haniya"),
        ("the operation as one", "Ismail Haniya"),
        ("The war on Gaza", "Ismail Haniya"),
        ("that despite all", "Ismail Haniya"),
        ("that the people of the strip", "Ismail Haniya"),
        ("Political isolation of Israel", "Ismail Haniya"),
    ];
    let mut seen = 0;
    for (start, who) in expect {
        let Some(q) = a
            .quotes
            .iter()
            .find(|q| t[q.content.clone()].starts_with(start))
        else {
            continue;
        };
        seen += 1;
        let e = q.speaker.as_ref().map(|s| s.entity.as_str()).unwrap_or("");
        assert!(
            e.ends_with(who),
            "quote {start:?}: entity {e:?}, expected {who:?}"
        );
    }
    assert!(
        seen >= 6,
        "only {seen} of the expected quotes found: {:?}",
        a.quotes
    );
    let he = a
        .quotes
        .iter()
        .find(|q| t[q.content.clone()].starts_with("The genocide"))
        .and_then(|q| q.speaker.clone());
    assert_eq!(he.map(|s| t[s.mention].to_string()).as_deref(), Some("he"));
    let names: Vec<&str> = a.entities.iter().map(|e| e.entity.as_str()).collect();
    assert!(
        names.contains(&"Ismail Haniya") && names.contains(&"Ayatollah Khamenei"),
        "{names:?}"
    );
}

#[test]
fn wire_article_miniature() {
    check_wire(MINI_WIRE);
}

#[test]
fn wire_article_file() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/examples/wire-article.txt");
    match std::fs::read_to_string(&path) {
        Ok(text) => check_wire(&text),
        Err(e) => println!("skipping: {} not readable ({e})", path.display()),
    }
}

#[test]
fn odd_inputs_do_not_panic() {
    for t in [
        "\"",
        "\"\"",
        ": X",
        "said",
        ", he said.",
        "according to",
        "\"a\n\n\"b",
        "Mr. . . said:",
        "\u{201c}\u{201d}\u{a0}\u{2019}s",
        "X: Y: Z",
    ] {
        let _ = run(t);
    }
}

mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn never_panics_and_spans_stay_in_bounds(
            s in "(([A-Z][a-z]{0,6}|[a-z]{1,7}|said|says|told|according to|he|she|Mr\\.|\"|\u{201c}|\u{201d}|,|\\.|:|'s|\n\n|\\(|\\)|\u{a0}|\\PC) ?){0,60}"
        ) {
            let (a, t) = run(&s);
            for q in &a.quotes {
                prop_assert!(t.get(q.content.clone()).is_some());
                if let Some(sp) = &q.speaker {
                    prop_assert!(t.get(sp.mention.clone()).is_some());
                }
            }
        }
    }
}

/// Dev aid: `ATTR_DEBUG=file cargo test --lib attribution::tests::debug_dump -- --nocapture`.
#[test]
fn debug_dump() {
    let Ok(path) = std::env::var("ATTR_DEBUG") else {
        return;
    };
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let layout = TextLayout::new(&text);
    let a = analyse(view_of(&layout));
    let v = &a.v;
    for s in &v.sents {
        println!("SENT {:?} {:?}", s.para, &v.text[s.range.clone()]);
    }
    for m in &a.ms {
        println!(
            "MENTION {:?} {:?} person={} ent={:?}",
            &v.text[v.span(&m.toks)],
            m.kind,
            m.person,
            a.ents.of[a.ms.iter().position(|x| x.head == m.head).unwrap_or(0)]
                .map(|c| a.ents.clusters[c].canonical())
        );
    }
    let picks = Attributor::rules().choose(&a);
    for (i, q) in a.quotes.iter().enumerate() {
        println!(
            "QUOTE {:?} {:?} cue={:?} rule={:?} pick={:?}",
            q.structure,
            &v.text[q.content.clone()],
            q.cue.as_ref().map(|c| &v.text[v.span(&c.toks)]),
            a.rule_idx[i].map(|r| &v.text[v.span(&a.ms[r].toks)]),
            picks[i].map(|(m, p)| (&v.text[v.span(&a.ms[m].toks)], p))
        );
    }
}

#[test]
fn attributor_is_send_sync_and_round_trips_through_postcard() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Attributor>();
    let mut a = Attributor::rules();
    a.cue_prior = vec![("said".into(), 1.5), ("seemed".into(), -2.0)];
    let bytes = postcard::to_stdvec(&a).expect("serialise");
    let back: Attributor = postcard::from_bytes(&bytes).expect("deserialise");
    assert_eq!(a, back);
    // Weights of another feature layout fall back to the rules instead of failing.
    let odd = Attributor {
        weights: vec![1.0; 3],
        ..Attributor::rules()
    };
    assert_eq!(
        triples("Officials said the bridge would reopen in May.").len(),
        1
    );
    let layout = TextLayout::new("Officials said the bridge would reopen in May.");
    assert_eq!(odd.attribute(&layout).quotes.len(), 1);
}
