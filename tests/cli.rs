//! Runs the built `newsroles` binary the way users do.

use crate::util::{self, run, run_ok, s};
use serde_json::Value;
use std::process::{Command, Output};

fn lines(out: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            serde_json::from_str(l).unwrap_or_else(|e| panic!("output line is not JSON ({e}): {l}"))
        })
        .collect()
}

/// Every reported span slices the original text (in code points) to the reported text.
fn assert_spans_slice(text: &str, v: &Value) {
    let chars: Vec<char> = text.chars().collect();
    let check = |o: &Value| {
        let (s, e) = (
            o["start"].as_u64().unwrap() as usize,
            o["end"].as_u64().unwrap() as usize,
        );
        assert!(s <= e && e <= chars.len(), "span [{s},{e}) out of bounds");
        let slice: String = chars[s..e].iter().collect();
        assert_eq!(slice, o["text"].as_str().unwrap(), "span [{s},{e})");
    };
    for s in v["sentences"].as_array().unwrap() {
        check(s);
        if !s["speaker"].is_null() {
            check(&s["speaker"]);
        }
    }
    for q in v["quotes"].as_array().unwrap() {
        check(q);
        for k in ["speaker", "cue"] {
            if !q[k].is_null() {
                check(&q[k]);
            }
        }
    }
}

#[test]
fn help_documents_every_command() {
    let out = run(&["--help"], None);
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for cmd in ["classify", "train", "eval", "serve", "train-types"] {
        assert!(help.contains(cmd), "--help lacks {cmd}:\n{help}");
    }
}

#[test]
fn classify_fixture_keeps_order_and_offsets() {
    let path = util::fixture("articles.jsonl");
    let out = run(&["classify", path.to_str().unwrap()], None);
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got = lines(&out);
    let input: Vec<Value> = std::fs::read_to_string(&path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(got.len(), input.len());
    for (g, i) in got.iter().zip(&input) {
        assert_eq!(g["id"], i["id"]);
        assert_spans_slice(i["text"].as_str().unwrap(), g);
    }
    // The empty document is valid and has no sentences.
    assert_eq!(got[2]["sentences"].as_array().unwrap().len(), 0);
    // The first article has a headline, a dateline sentence, a direct quote and more.
    assert!(got[0]["sentences"].as_array().unwrap().len() >= 5);
    let roles: Vec<&str> = got[0]["sentences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["role"].as_str().unwrap())
        .collect();
    assert!(roles.contains(&"quote"), "roles: {roles:?}");
    let direct = got[0]["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["direct"] == true);
    let direct = direct.expect("the direct quote is found");
    assert!(direct["text"]
        .as_str()
        .unwrap()
        .starts_with("We will reopen"));
    assert!(
        direct["speaker"]["entity"]
            .as_str()
            .unwrap_or("")
            .contains("Costa"),
        "{direct}"
    );
    for s in got[0]["sentences"].as_array().unwrap() {
        let sum: f64 = s["scores"]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_f64().unwrap())
            .sum();
        assert!((sum - 1.0).abs() < 1e-3, "scores sum to {sum}");
    }
}

#[test]
fn no_text_leaves_out_sentence_and_quote_texts_only() {
    let path = util::fixture("articles.jsonl");
    let full = lines(&run_ok(&["classify", path.to_str().unwrap()], None, 0));
    let out = run_ok(&["classify", "--no-text", path.to_str().unwrap()], None, 0);
    let mut bare = lines(&out);
    assert_eq!(bare.len(), full.len());
    let quotes = bare[0]["quotes"].as_array().unwrap();
    assert!(!quotes.is_empty());
    assert!(quotes.iter().all(|q| q.get("text").is_none()), "{quotes:?}");
    // Cue and speaker texts are short mentions and stay.
    let cued = quotes.iter().find(|q| !q["cue"].is_null()).unwrap();
    assert!(!cued["cue"]["text"].as_str().unwrap().is_empty());
    // Put the texts back from the spans: the lines are then the full ones.
    let inputs: Vec<Value> = std::fs::read_to_string(&path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    for (b, i) in bare.iter_mut().zip(&inputs) {
        let chars: Vec<char> = i["text"].as_str().unwrap().chars().collect();
        for layer in ["sentences", "quotes"] {
            for o in b[layer].as_array_mut().unwrap() {
                assert!(o.get("text").is_none(), "{layer} keeps its text: {o}");
                let (s, e) = (o["start"].as_u64().unwrap(), o["end"].as_u64().unwrap());
                let text: String = chars[s as usize..e as usize].iter().collect();
                o["text"] = Value::String(text);
            }
        }
    }
    assert_eq!(bare, full);
}

/// The types of the quotes of one classify line, in order.
fn quote_types(v: &Value) -> Vec<String> {
    v["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            q["type"]
                .as_str()
                .unwrap_or_else(|| panic!("a quote without a type: {q}"))
                .to_string()
        })
        .collect()
}

#[test]
fn attributions_add_typed_non_speech_quotes_to_the_speech_default() {
    let text = "Mayor Jane Doe said the road would reopen. A new poll shows that most voters \
                oppose the plan. She believes that the economy will recover.";
    let default = lines(&run_ok(&["classify", "--text"], Some(text.as_bytes()), 0));
    let all = lines(&run_ok(
        &["classify", "--text", "--attributions"],
        Some(text.as_bytes()),
        0,
    ));
    assert_spans_slice(text, &default[0]);
    assert_spans_slice(text, &all[0]);
    assert_eq!(quote_types(&default[0]), ["speech"]);
    assert_eq!(quote_types(&all[0]), ["speech", "document", "thought"]);
    // The speakers list follows the view: the poll speaks only with --attributions.
    let speakers = |v: &Value| v["speakers"].to_string();
    assert!(
        !speakers(&default[0]).contains("poll"),
        "{}",
        speakers(&default[0])
    );
    assert!(speakers(&all[0]).contains("poll"), "{}", speakers(&all[0]));
}

#[test]
fn malformed_lines_get_error_lines_in_place() {
    let path = util::fixture("bad-lines.jsonl");
    let out = run(&["classify", path.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(1), "some lines failed → exit 1");
    let got = lines(&out);
    // 8 input lines, one blank: 7 output lines, in order.
    let ids: Vec<String> = got.iter().map(|v| v["id"].to_string()).collect();
    assert_eq!(
        ids,
        [
            "\"a2\"",
            "\"line 2\"",
            "\"no-text\"",
            "\"line 5\"",
            "\"line 6\"",
            "\"7\"",
            "\"a4\""
        ],
        "{got:#?}"
    );
    assert!(got[0]["error"].is_null() && got[6]["error"].is_null());
    let err = |i: usize| {
        got[i]["error"]
            .as_str()
            .unwrap_or_else(|| panic!("line {i} has no error: {}", got[i]))
            .to_string()
    };
    assert!(
        err(1).contains(":2:") && err(1).contains("not JSON"),
        "{}",
        err(1)
    );
    assert!(err(2).contains("missing `text`"), "{}", err(2));
    assert!(err(3).contains("invalid UTF-8"), "{}", err(3));
    assert!(err(4).contains("expected a JSON object"), "{}", err(4));
    assert!(
        err(5).contains("expected a string for `text`"),
        "{}",
        err(5)
    );
}

#[test]
fn plain_text_from_stdin() {
    let out = run(
        &["classify", "--text"],
        Some("Mayor Jane Doe said the road would reopen. \"It is done,\" she said.".as_bytes()),
    );
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got = lines(&out);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0]["id"], "stdin");
    assert_eq!(got[0]["sentences"].as_array().unwrap().len(), 2);
}

#[test]
fn oversized_document_is_an_error_line() {
    let doc = format!(
        "{{\"id\":\"big\",\"text\":\"{}\"}}\n{{\"id\":\"ok\",\"text\":\"Fine.\"}}\n",
        "word ".repeat(100)
    );
    let out = run(
        &["classify", "--max-text-bytes", "100"],
        Some(doc.as_bytes()),
    );
    assert_eq!(out.status.code(), Some(1));
    let got = lines(&out);
    assert!(got[0]["error"]
        .as_str()
        .unwrap()
        .contains("over the limit of 100"));
    assert_eq!(got[1]["id"], "ok");
}

#[test]
fn missing_or_corrupt_model_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.model");
    let out = run(
        &["classify", "--model", missing.to_str().unwrap()],
        Some(b"{\"text\":\"x\"}\n"),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope.model"));

    let corrupt = dir.path().join("corrupt.model");
    let mut bytes = b"NEWSROLE".to_vec();
    bytes.extend(newsroles::model::FORMAT_VERSION.to_le_bytes());
    bytes.extend(b"garbage");
    std::fs::write(&corrupt, bytes).unwrap();
    let out = run(
        &["classify", "--model", corrupt.to_str().unwrap()],
        Some(b"{\"text\":\"x\"}\n"),
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("corrupt.model") && err.contains("truncated"),
        "{err}"
    );
}

/// A copied (or `cargo install`ed) binary needs no source tree: run from elsewhere
/// with no `$NEWSROLES_MODEL`, it uses the default model built into it; a
/// `models/default/newsroles.model` beside it is preferred, and named when broken.
#[test]
fn a_copied_binary_works_anywhere_with_its_embedded_model() {
    let dir = tempfile::tempdir().unwrap();
    let bin_dir = dir.path().join("bin");
    let cwd = dir.path().join("elsewhere");
    std::fs::create_dir_all(&bin_dir).unwrap();
    std::fs::create_dir_all(&cwd).unwrap();
    let exe = bin_dir.join("newsroles");
    std::fs::copy(env!("CARGO_BIN_EXE_newsroles"), &exe).unwrap();
    let text = std::fs::read_to_string(util::fixture("articles.jsonl")).unwrap();
    let first: Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    let article = cwd.join("article.txt");
    std::fs::write(&article, first["text"].as_str().unwrap()).unwrap();
    let classify = || {
        Command::new(&exe)
            .args(["classify", "--quiet", "--text", "article.txt"])
            .current_dir(&cwd)
            .env_remove("NEWSROLES_MODEL")
            .env("NEWSROLES_LOG", "warn")
            .output()
            .unwrap()
    };
    let out = classify();
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got = lines(&out);
    assert_eq!(got.len(), 1);
    assert!(!got[0]["sentences"].as_array().unwrap().is_empty());
    assert_spans_slice(first["text"].as_str().unwrap(), &got[0]);
    // The same answer as the shipped model file gives.
    let reference = run_ok(
        &[
            "classify",
            "--quiet",
            "--text",
            "--model",
            s(&util::default_model()),
            s(&article),
        ],
        None,
        0,
    );
    assert!(out.stdout == reference.stdout);

    // A model beside the executable wins over the embedded one.
    let beside = bin_dir.join("models").join("default");
    std::fs::create_dir_all(&beside).unwrap();
    std::fs::write(beside.join("newsroles.model"), b"not a model").unwrap();
    let out = classify();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&*beside.join("newsroles.model").to_string_lossy())
            && err.contains("not a newsroles model"),
        "{err}"
    );
}

#[test]
fn wire_article_speakers() {
    let Some(shared) = util::shared() else { return };
    let path = shared.join("examples").join("wire-article.txt");
    let out = run(&["classify", "--text", path.to_str().unwrap()], None);
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got = lines(&out);
    let text = std::fs::read_to_string(&path).unwrap();
    assert_spans_slice(&text, &got[0]);
    let entities: Vec<String> = got[0]["speakers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["entity"].as_str().unwrap().to_string())
        .collect();
    assert!(
        entities.iter().any(|e| e.contains("Khamenei")),
        "{entities:?}"
    );
    assert!(
        entities.iter().any(|e| e.contains("Haniya")),
        "{entities:?}"
    );
}

/// `newsroles eval` reports the figures score.py computes on the same predictions.
#[test]
fn eval_command_agrees_with_score_py() {
    let Some(shared) = util::shared() else { return };
    let gold = util::fixture("eval-gold.jsonl");
    let dir = tempfile::tempdir().unwrap();
    let pred = dir.path().join("pred.jsonl");
    let ours = run(
        &[
            "eval",
            "--json",
            "--predictions",
            pred.to_str().unwrap(),
            gold.to_str().unwrap(),
        ],
        None,
    );
    assert!(
        ours.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&ours.stderr)
    );
    let ours: Value = serde_json::from_slice(&ours.stdout).unwrap();
    let theirs = Command::new("python3")
        .arg(shared.join("tools").join("score.py"))
        .args([gold.to_str().unwrap(), pred.to_str().unwrap(), "--json"])
        .output();
    let Ok(theirs) = theirs else {
        util::skip("python3 is not available");
        return;
    };
    assert!(
        theirs.status.success(),
        "{}",
        String::from_utf8_lossy(&theirs.stderr)
    );
    let theirs: Value = serde_json::from_slice(&theirs.stdout).unwrap();
    assert_same_numbers(&ours, &theirs, "$");
    assert!(ours["sentences"].as_u64().unwrap() > 0);
}

/// On coreference data, `eval` prints the entity layer's figures exactly as
/// score_entities.py computes them from the predictions it writes.
#[test]
fn eval_entity_figures_agree_with_score_entities_py() {
    let Some(shared) = util::shared() else { return };
    let dir = tempfile::tempdir().unwrap();
    for (mode, file, keep) in [("gap", "gap-dev.jsonl", 120), ("gum", "gum-dev.jsonl", 12)] {
        // A slice of the dev file, in the temporary directory only.
        let full = std::fs::read_to_string(shared.join("corpora/newsroles").join(file)).unwrap();
        let gold = dir.path().join(file);
        let slice: Vec<&str> = full.lines().take(keep).collect();
        std::fs::write(&gold, slice.join("\n") + "\n").unwrap();
        let pred = dir.path().join(format!("{mode}-pred.jsonl"));
        let ours = run(
            &[
                "eval",
                "--predictions",
                pred.to_str().unwrap(),
                gold.to_str().unwrap(),
            ],
            None,
        );
        assert!(
            ours.status.success(),
            "{}",
            String::from_utf8_lossy(&ours.stderr)
        );
        let ours = String::from_utf8(ours.stdout).unwrap();
        let theirs = Command::new("python3")
            .arg(shared.join("tools").join("score_entities.py"))
            .args([mode, gold.to_str().unwrap(), pred.to_str().unwrap()])
            .output();
        let Ok(theirs) = theirs else {
            util::skip("python3 is not available");
            return;
        };
        assert!(
            theirs.status.success(),
            "{}",
            String::from_utf8_lossy(&theirs.stderr)
        );
        let theirs = String::from_utf8(theirs.stdout).unwrap();
        for line in theirs.lines() {
            assert!(
                ours.lines().any(|l| l == line),
                "{mode}: {line:?} not in\n{ours}"
            );
        }
    }
}

fn assert_same_numbers(a: &Value, b: &Value, path: &str) {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            assert!((x - y).abs() < 1e-9, "{path}: ours {x}, score.py {y}");
        }
        (Value::Object(x), Value::Object(y)) => {
            assert_eq!(
                x.keys().collect::<Vec<_>>(),
                y.keys().collect::<Vec<_>>(),
                "{path}"
            );
            for (k, v) in x {
                assert_same_numbers(v, &y[k], &format!("{path}.{k}"));
            }
        }
        _ => assert_eq!(a, b, "{path}"),
    }
}

/// A small labelled corpus in both layers (sentence roles; quotes with cues and
/// speakers), offsets in code points as DESIGN.md §3 says: `(roles, quotes)` JSONL.
fn toy_corpus(docs: usize) -> (String, String) {
    let names = [
        "María López",
        "John Smith",
        "Ana Costa",
        "Peter Novák",
        "Lena Berg",
    ];
    let cp = |s: &str, byte: usize| s[..byte].chars().count();
    let (mut roles, mut quotes) = (String::new(), String::new());
    for i in 0..docs {
        let name = names[i % names.len()];
        let surname = name.split(' ').nth(1).unwrap();
        let parts = [
            (
                "The council approved the new budget on Tuesday after a long debate.".to_string(),
                "event",
            ),
            (
                format!("\u{201c}This is a good day for the city,\u{201d} {name} said."),
                "quote",
            ),
            (
                "The plan will probably fail unless taxes rise, critics warn.".to_string(),
                "claim",
            ),
            (
                format!(
                    "The city was founded in 1820 and has about {} inhabitants.",
                    1000 + i
                ),
                "background",
            ),
            (
                format!("{surname} said that the vote showed broad support."),
                "quote",
            ),
        ];
        let mut text = String::new();
        let mut sents = Vec::new();
        for (t, r) in &parts {
            if !text.is_empty() {
                text.push(' ');
            }
            let s = cp(&text, text.len());
            text.push_str(t);
            sents.push(serde_json::json!({"start": s, "end": cp(&text, text.len()), "role": r}));
        }
        let span = |a: usize, b: usize| serde_json::json!({"start": cp(&text, a), "end": cp(&text, b), "text": &text[a..b]});
        let q1 = text.find("This is a good day").unwrap();
        let q1e = text.find(",\u{201d}").unwrap();
        let sp = text.find(&format!("{name} said")).unwrap();
        let cue = sp + name.len() + 1;
        let sp2 = text.find(&format!("{surname} said that")).unwrap();
        let cue2 = sp2 + surname.len() + 1;
        let q2 = cue2 + "said that ".len();
        let q2e = text.rfind('.').unwrap();
        let qs = serde_json::json!([
            {"start": cp(&text, q1), "end": cp(&text, q1e), "cue": span(cue, cue + 4), "speaker": span(sp, sp + name.len())},
            {"start": cp(&text, q2), "end": cp(&text, q2e), "cue": span(cue2, cue2 + 4), "speaker": span(sp2, sp2 + surname.len())},
        ]);
        roles += &format!(
            "{}\n",
            serde_json::json!({"id": format!("r{i}"), "text": text, "sentences": sents})
        );
        quotes += &format!(
            "{}\n",
            serde_json::json!({"id": format!("q{i}"), "text": text, "quotes": qs})
        );
    }
    (roles, quotes)
}

#[test]
fn train_on_own_labelled_data_then_classify_and_eval_with_the_model() {
    let dir = tempfile::tempdir().unwrap();
    let (roles, quotes) = toy_corpus(40);
    let r = dir.path().join("roles.jsonl");
    let q = dir.path().join("quotes.jsonl");
    std::fs::write(&r, roles).unwrap();
    std::fs::write(&q, quotes).unwrap();
    // The model's directory does not exist yet: train creates it.
    let mdir = dir.path().join("models").join("mine");
    let m = mdir.join("mine.model");
    // With the search: too little text for word vectors, so the model is trained
    // without them (and says so) instead of failing.
    let train = |force: bool| {
        let mut args = vec![
            "train",
            "--roles",
            s(&r),
            "--quotes",
            s(&q),
            "--dev",
            s(&r),
            "--search",
            "-o",
            s(&m),
        ];
        if force {
            args.push("--force");
        }
        run(&args, None)
    };
    let out = train(false);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("word vectors: left out"), "{err}");
    let card = std::fs::read_to_string(mdir.join("MODEL_CARD.md")).unwrap();
    assert!(
        card.contains("word vectors: left out")
            && card.contains("## Search")
            && card.contains("more than one standard error of the per-fold differences"),
        "{card}"
    );
    // Progress: each stage on its own line with its time.
    for stage in [
        "train: reading the corpora: ",
        "train: search 1/",
        "train: dev evaluation: ",
    ] {
        assert!(err.contains(stage), "no {stage:?} in {err}");
    }
    let metrics: Value =
        serde_json::from_str(&std::fs::read_to_string(mdir.join("metrics.json")).unwrap()).unwrap();
    assert!(metrics["macro_f1"].as_f64().unwrap() > 0.9, "{metrics}");
    for plot in ["confusion.svg", "reliability.svg"] {
        let svg = std::fs::read_to_string(mdir.join(plot)).unwrap();
        assert!(svg.starts_with("<svg") && card.contains(plot), "{plot}");
    }
    let first = newsroles::model::ModelFile::load(&m).unwrap();
    // An existing model is not replaced without --force (nothing is read first) ...
    let again = train;
    let out = again(false);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("mine.model exists") && err.contains("--force"),
        "{err}"
    );
    assert!(!err.contains("train: reading"), "{err}");
    // ... and with it, the same data gives the same model: every choice is seeded or
    // ordered, none depends on timing or hash order.
    assert!(again(true).status.success());
    let second = newsroles::model::ModelFile::load(&m).unwrap();
    assert_eq!(first.roles, second.roles);
    assert_eq!(first.decoder, second.decoder);
    assert_eq!(first.meta.metrics, second.meta.metrics);
    // Regenerating the card with the same code gives the training run's figures.
    let out = run_ok(&["eval", "--update-card", s(&m), s(&r)], None, 0);
    assert!(String::from_utf8_lossy(&out.stderr).contains("updated"));
    let regenerated: Value =
        serde_json::from_str(&std::fs::read_to_string(mdir.join("metrics.json")).unwrap()).unwrap();
    assert_eq!(regenerated, metrics);
    let third = newsroles::model::ModelFile::load(&m).unwrap();
    assert_eq!(third.meta.metrics, second.meta.metrics);
    assert_eq!(third.roles, second.roles);
    let card = std::fs::read_to_string(mdir.join("MODEL_CARD.md")).unwrap();
    assert!(
        card.contains("## Search") && card.contains("regenerated"),
        "{card}"
    );
    assert_eq!(card, third.meta.card);
    // The model classifies: the toy's roles and speakers are learnable.
    let out = run_ok(&["classify", "-m", s(&m), s(&r)], None, 0);
    let got = lines(&out);
    assert_eq!(got.len(), 40);
    let want = ["event", "quote", "claim", "background", "quote"];
    for v in &got {
        let roles: Vec<&str> = v["sentences"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["role"].as_str().unwrap())
            .collect();
        assert_eq!(roles, want, "{v}");
    }
    let speakers: Vec<&str> = got[1]["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|q| q["speaker"]["entity"].as_str())
        .collect();
    assert!(speakers.contains(&"John Smith"), "{speakers:?}");
    // And eval scores it on the quote layer.
    let out = run_ok(&["eval", "-m", s(&m), s(&q), "--json"], None, 0);
    let scores: Value = serde_json::from_slice(&out.stdout).unwrap();
    let qs = &scores["quotes"];
    assert!(qs["attribution_f1"].as_f64().unwrap() > 0.9, "{scores}");
    assert!(
        qs["speaker_mention_accuracy"].as_f64().unwrap() > 0.9,
        "{scores}"
    );
    // Several gold files: each on its own, then pooled.
    let out = run_ok(&["eval", "-m", s(&m), s(&q), s(&r), "--json"], None, 0);
    let both: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(both["files"][0]["scores"], scores);
    assert_eq!(both["files"][1]["scores"], regenerated);
    assert_eq!(
        both["combined"]["documents"].as_u64(),
        Some(scores["documents"].as_u64().unwrap() + regenerated["documents"].as_u64().unwrap())
    );
    let out = run_ok(&["eval", "-m", s(&m), s(&q), s(&r)], None, 0);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("== combined: 2 files, 80 documents"),
        "{text}"
    );
}

/// A temporary directory holding the toy corpus's sentence layer as `roles.jsonl`.
fn toy_roles_file() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let (roles, _) = toy_corpus(40);
    let r = dir.path().join("roles.jsonl");
    std::fs::write(&r, roles).unwrap();
    (dir, r)
}

#[test]
fn train_refuses_an_unwritable_model_path_before_training() {
    let (dir, r) = toy_roles_file();
    // The model's "directory" is a regular file: no model can be written there.
    let blocker = dir.path().join("taken");
    std::fs::write(&blocker, "a file").unwrap();
    let m = blocker.join("mine.model");
    let out = run(&["train", "--roles", s(&r), "-o", s(&m)], None);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("taken"), "{err}");
    // It stopped before reading or fitting anything.
    assert!(!err.contains("role training"), "{err}");
    // A directory given as the model path is named as the mistake it is.
    let out = run(&["train", "--roles", s(&r), "-o", s(dir.path())], None);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("is a directory"), "{err}");
}

#[test]
fn train_refuses_a_fit_with_no_columns() {
    let (dir, r) = toy_roles_file();
    let m = dir.path().join("m.model");
    let out = run(
        &["train", "--roles", s(&r), "--max-columns", "0", "-o", s(&m)],
        None,
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("max_columns"), "{err}");
    assert!(!m.exists());
    // Refused before reading anything: a missing corpus is not even opened.
    let missing = dir.path().join("missing.jsonl");
    let out = run(
        &[
            "train",
            "--roles",
            s(&missing),
            "--max-columns",
            "0",
            "-o",
            s(&m),
        ],
        None,
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("max_columns") && !err.contains("missing.jsonl"),
        "{err}"
    );
}

#[test]
fn a_missing_input_is_named_once_with_its_cause() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-archive.jsonl");
    let out = run(&["classify", s(&missing)], None);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no-such-archive.jsonl"), "{err}");
    assert_eq!(err.matches("No such file or directory").count(), 1, "{err}");
}

#[test]
fn output_format_table_has_a_row_per_sentence() {
    let path = util::fixture("articles.jsonl");
    let json = lines(&run_ok(&["classify", "-q", s(&path)], None, 0));
    let out = run_ok(
        &["classify", "-q", s(&path), "--output-format", "table"],
        None,
        0,
    );
    let table = String::from_utf8_lossy(&out.stdout);
    // One block per document, each headed `== id: N sentences, M quotes`.
    let blocks: Vec<&str> = table.split("\n== ").collect();
    assert_eq!(blocks.len(), json.len(), "{table}");
    for (block, j) in blocks.iter().zip(&json) {
        let sentences = j["sentences"].as_array().unwrap();
        let quotes = j["quotes"].as_array().unwrap();
        let head = format!(
            "{}: {} sentences, {} quotes",
            j["id"].as_str().unwrap(),
            sentences.len(),
            quotes.len()
        );
        assert!(
            block.trim_start_matches("== ").starts_with(&head),
            "{block}"
        );
        let rows: Vec<&str> = block
            .lines()
            .filter(|l| l.trim_start().starts_with(|c: char| c.is_ascii_digit()))
            .collect();
        assert_eq!(rows.len(), sentences.len(), "{block}");
        for (row, s) in rows.iter().zip(sentences) {
            assert!(row.contains(s["role"].as_str().unwrap()), "{row}");
            assert!(
                row.contains(&format!("{:.2}", s["confidence"].as_f64().unwrap())),
                "{row}"
            );
        }
        if !quotes.is_empty() {
            let listed = block.split("quotes:\n").nth(1).unwrap();
            assert_eq!(
                listed.trim_end().lines().count(),
                1 + quotes.len(),
                "{block}"
            );
        }
    }
    // The headline sentence of a1 and its quote's speaker are in the table.
    assert!(table.contains("Storm closes ports along the coast"));
    assert!(table.contains("Ana Costa"));
}

#[test]
fn output_format_html_is_one_escaped_self_contained_page() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    std::fs::write(
        &input,
        concat!(
            r#"{"id":"x<b>","text":"Hackers said \"<script>alert('x')</script> is fun,\" police said."}"#,
            "\n",
            r#"{"id":"y","text":"It rained on Monday."}"#,
            "\n",
            r#"{"id":"z"}"#,
            "\n"
        ),
    )
    .unwrap();
    let out = run_ok(
        &["classify", "-q", s(&input), "--output-format", "html"],
        None,
        1,
    );
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"), "{page}");
    assert!(page.trim_end().ends_with("</html>"));
    assert_eq!(page.matches("<html").count(), 1);
    // Every record has its section; the failed one says why.
    assert_eq!(page.matches("<section class=\"doc").count(), 3);
    assert!(page.contains("<section class=\"doc failed\" id=\"d2\"><h2>z</h2>"));
    assert!(page.contains("missing `text`"));
    // The article's markup is text, not markup.
    assert_eq!(
        page.matches("<script").count(),
        1,
        "only the page's own script"
    );
    assert!(page.contains("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"));
    assert!(page.contains("<h2>x&lt;b&gt;</h2>"));
    // Nothing from the network.
    for remote in ["http://", "https://", "src=", "@import", "url("] {
        assert!(!page.contains(remote), "{remote} in the page");
    }
    assert!(page.contains("Content-Security-Policy"));
}

#[test]
fn format_is_an_alias_of_input_format_and_jsonl_is_the_default() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("story.txt");
    std::fs::write(&doc, "\"It is safe,\" the mayor said. It rained.").unwrap();
    let new = run_ok(
        &["classify", "-q", "--input-format", "text", s(&doc)],
        None,
        0,
    );
    let old = run_ok(&["classify", "-q", "--format", "text", s(&doc)], None, 0);
    let explicit = run_ok(
        &[
            "classify",
            "-q",
            "--format",
            "text",
            "--output-format",
            "jsonl",
            s(&doc),
        ],
        None,
        0,
    );
    assert!(!new.stdout.is_empty());
    assert_eq!(new.stdout, old.stdout);
    assert_eq!(new.stdout, explicit.stdout);
    assert_eq!(lines(&new)[0]["id"], "story.txt");
    // A bad name is a usage error naming the choices.
    let bad = run_ok(&["classify", "--output-format", "xml", s(&doc)], None, 2);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("jsonl, table or html"));
    // --resume continues JSON Lines only.
    let out = dir.path().join("out.html");
    let resume = run_ok(
        &[
            "classify",
            "--resume",
            "-o",
            s(&out),
            "--output-format",
            "html",
            s(&doc),
        ],
        None,
        2,
    );
    assert!(String::from_utf8_lossy(&resume.stderr).contains("--resume continues JSON Lines only"));
}

/// Flattens a JSON value into its `"key": value` pairs (scalars only), as the README
/// writes them.
fn pairs(v: &Value, out: &mut std::collections::HashSet<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if !x.is_object() && !x.is_array() {
                    out.insert(format!("\"{k}\": {x}"));
                }
                pairs(x, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| pairs(x, out)),
        _ => {}
    }
}

/// The README's output example is the real output of its first command, abridged:
/// every `"key": value` it shows (but texts cut with "…") is in that output.
#[test]
fn readme_output_example_is_real_output() {
    let readme = std::fs::read_to_string(crate::util::root().join("README.md")).unwrap();
    let block = readme
        .split("```json\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("a json block in the README");
    let article = crate::util::root().join("examples/wikinews-article.txt");
    let out = crate::util::run_ok(&["classify", "--text", s(&article)], None, 0);
    let mut real = std::collections::HashSet::new();
    for v in lines(&out) {
        pairs(&v, &mut real);
    }
    let pair =
        regex::Regex::new(r#""[a-z_]+": ("(?:[^"\\]|\\.)*"|[-0-9.e+]+|true|false)"#).unwrap();
    let mut checked = 0;
    for m in pair.find_iter(block) {
        let p = m.as_str();
        if p.contains('…') {
            continue;
        }
        // Numbers as serde_json writes them (the README keeps them as printed).
        let p = match p.split_once(": ") {
            Some((k, v)) if v.parse::<f64>().is_ok() && !v.starts_with('"') => {
                let n: Value = serde_json::from_str(v).unwrap();
                format!("{k}: {n}")
            }
            _ => p.to_string(),
        };
        assert!(
            real.contains(&p),
            "README shows {p}, not in the real output"
        );
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} pairs checked");
}
