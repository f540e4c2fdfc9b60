//! Issue 33's faults, each reproduced against the built binary: planted links and
//! hard links around the output, outputs that are not newsroles', truncated archives,
//! a reader that goes away, absurd --jobs, lone surrogates, and the per-document
//! budget.

use crate::util::{bin, lines, run_ok, s};
use std::io::Write;
use std::process::Stdio;

fn jsonl(n: usize) -> String {
    (0..n)
        .map(|i| {
            serde_json::json!({
                "id": format!("r{i}"),
                "text": format!("The council met on Monday {i}. \"We will build it,\" Mayor Ana Ruiz said.")
            })
            .to_string()
                + "\n"
        })
        .collect()
}

fn gzip(b: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(b).unwrap();
    e.finish().unwrap()
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Item 2: a link planted where the resume's temporary file used to be created is
/// neither written through nor made the output.
#[test]
fn resume_never_writes_through_a_planted_link() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    std::fs::write(&input, jsonl(6)).unwrap();
    let out = dir.path().join("out.jsonl.gz");
    run_ok(&["classify", s(&input), "-o", s(&out), "-q"], None, 0);
    let full = std::fs::read(&out).unwrap();
    std::fs::write(&out, &full[..full.len() / 2]).unwrap();
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "precious\n").unwrap();
    std::os::unix::fs::symlink(&victim, dir.path().join("out.jsonl.gz.resume-tmp")).unwrap();
    run_ok(
        &["classify", s(&input), "-o", s(&out), "--resume", "-q"],
        None,
        0,
    );
    assert_eq!(std::fs::read(&victim).unwrap(), b"precious\n");
    let meta = std::fs::symlink_metadata(&out).unwrap();
    assert!(meta.file_type().is_file(), "the output became a link");
    assert_eq!(std::fs::read(&out).map(|b| b.len() > 20).ok(), Some(true));
    // No temporary file of ours is left behind.
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".resume-tmp") && !n.starts_with("out.jsonl.gz"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

/// Item 3: an output that is the input under another name (hard link, symbolic
/// link) or on standard input is refused with exit 2, and the input is intact.
#[test]
fn an_output_that_is_the_input_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.jsonl");
    let data = jsonl(3);
    std::fs::write(&a, &data).unwrap();
    let hard = dir.path().join("b.jsonl");
    std::fs::hard_link(&a, &hard).unwrap();
    let soft = dir.path().join("c.jsonl");
    std::os::unix::fs::symlink(&a, &soft).unwrap();
    for out in [&hard, &soft, &a] {
        let r = run_ok(&["classify", s(&a), "-o", s(out)], None, 2);
        assert!(
            stderr(&r).contains("same file as the input"),
            "{}",
            stderr(&r)
        );
        assert_eq!(std::fs::read_to_string(&a).unwrap(), data);
    }
    // `classify - -o a < a`
    let r = bin()
        .args(["classify", "-", "-o", s(&a)])
        .stdin(std::fs::File::open(&a).unwrap())
        .output()
        .unwrap();
    assert_eq!(r.status.code(), Some(2), "{}", stderr(&r));
    assert!(
        stderr(&r).contains("same file as the input <stdin>"),
        "{}",
        stderr(&r)
    );
    assert_eq!(std::fs::read_to_string(&a).unwrap(), data);
}

/// Item 4: --resume keeps only lines newsroles writes, each fitting its input record.
#[test]
fn resume_refuses_output_that_is_not_this_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    let data = jsonl(4);
    std::fs::write(&input, &data).unwrap();
    let out = dir.path().join("out.jsonl");
    let refused = |content: &str, why: &str| {
        std::fs::write(&out, content).unwrap();
        let r = run_ok(&["classify", s(&input), "-o", s(&out), "--resume"], None, 2);
        assert!(stderr(&r).contains(why), "{why}: {}", stderr(&r));
        assert_eq!(
            std::fs::read_to_string(&out).unwrap(),
            content,
            "kept as it was"
        );
    };
    // A copy of the input, and a hand-written line with only an id.
    refused(&data, "not a newsroles output line");
    refused("{\"id\":\"r0\"}\n", "not a newsroles output line");
    // A real analysis line, but of another record (the ids of earlier lines count
    // too, not only the last one's).
    run_ok(&["classify", s(&input), "-o", s(&out), "-q"], None, 0);
    let good = std::fs::read_to_string(&out).unwrap();
    let ls: Vec<&str> = good.lines().collect();
    refused(
        &format!("{}\n{}\n", ls[1], ls[1]),
        "does not fit input record 1",
    );
    // Spans past the end of the record's text.
    let long = ls[0].replace("\"end\":", "\"end\":9999");
    refused(&format!("{long}\n"), "reach code point");
    // Its own output resumes.
    std::fs::write(&out, format!("{}\n{}\n", ls[0], ls[1])).unwrap();
    run_ok(
        &["classify", s(&input), "-o", s(&out), "--resume", "-q"],
        None,
        0,
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), good);
}

/// Item 5: a truncated .jsonl.gz keeps every record decoded before the cut, then one
/// error line naming the file and place, and the next input is still read; exit 1.
#[test]
fn a_truncated_archive_loses_nothing_before_the_cut() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first.jsonl.gz");
    let whole = gzip(jsonl(200).as_bytes());
    std::fs::write(&first, &whole[..whole.len() * 2 / 3]).unwrap();
    let second = dir.path().join("second.jsonl");
    std::fs::write(&second, jsonl(2).replace("\"r", "\"s")).unwrap();
    // What a reader gets out of the cut file.
    let mut readable = Vec::new();
    let _ = std::io::Read::read_to_end(
        &mut flate2::read::MultiGzDecoder::new(&whole[..whole.len() * 2 / 3]),
        &mut readable,
    );
    let complete = readable.iter().filter(|&&b| b == b'\n').count();
    assert!(complete > 50, "the cut keeps records: {complete}");
    let r = run_ok(&["classify", s(&first), s(&second), "-q"], None, 1);
    let got = lines(&r.stdout);
    assert_eq!(got.len(), complete + 1 + 2, "{}", stderr(&r));
    for (i, v) in got[..complete].iter().enumerate() {
        assert_eq!(v["id"], format!("r{i}"));
        assert!(v["sentences"].is_array());
    }
    let err = got[complete]["error"].as_str().unwrap();
    assert!(
        err.contains("first.jsonl.gz") && err.contains("decompressed byte"),
        "{err}"
    );
    assert_eq!(got[complete + 1]["id"], "s0");
    assert_eq!(got[complete + 2]["id"], "s1");
}

/// Item 10: a reader that goes away early is not a complete run (exit 3, said on
/// stderr); --jobs is bounded; a lone surrogate escape keeps its document.
#[test]
fn closed_output_jobs_bound_and_lone_surrogates() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    std::fs::write(&input, jsonl(3000)).unwrap();
    let mut child = bin()
        .args(["classify", s(&input), "-q"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut head = [0u8; 100];
    std::io::Read::read_exact(child.stdout.as_mut().unwrap(), &mut head).unwrap();
    drop(child.stdout.take());
    let r = child.wait_with_output().unwrap();
    assert_eq!(r.status.code(), Some(3), "{}", stderr(&r));
    assert!(stderr(&r).contains("output was closed"), "{}", stderr(&r));

    let r = run_ok(&["classify", s(&input), "--jobs", "100000"], None, 2);
    assert!(stderr(&r).contains("not in 1..=256"), "{}", stderr(&r));

    let line =
        "{\"id\":\"x\",\"text\":\"Bad \\ud800 char. \\ud83d\\ude00 ok, \\\\ud800 literal.\"}\n";
    let r = run_ok(&["classify", "-"], Some(line.as_bytes()), 0);
    let v = &lines(&r.stdout)[0];
    let text: String = v["sentences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["text"].as_str().unwrap().to_string())
        .collect::<Vec<_>>()
        .join(" ");
    assert_eq!(text, "Bad \u{fffd} char. \u{1f600} ok, \\ud800 literal.");
}

/// Item 1: a document over the per-document budget gets an error line naming it; the
/// rest of the run goes on (exit 1).
#[test]
fn the_analysis_budget_is_an_error_line() {
    let input = jsonl(2);
    let r = run_ok(
        &[
            "classify",
            "-",
            "--max-analysis-seconds",
            "0.000000001",
            "-q",
        ],
        Some(input.as_bytes()),
        1,
    );
    let got = lines(&r.stdout);
    assert_eq!(got.len(), 2);
    for v in &got {
        let e = v["error"].as_str().unwrap();
        assert!(e.contains("per-document time budget of"), "{e}");
    }
    run_ok(
        &["classify", "-", "--max-analysis-seconds", "-1"],
        Some(input.as_bytes()),
        2,
    );
}
