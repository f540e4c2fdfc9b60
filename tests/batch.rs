//! `newsroles classify` as a batch tool: every input format and compression, output
//! compression, standard input, resume after a kill or a cut-off line, and bad
//! records, each answered by one line in place.

use crate::util::{bin, lines, run, run_ok, s};
use serde_json::Value;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A small article with a direct quote, a reported one and an event.
fn article(i: usize) -> String {
    format!(
        "Council votes on bridge {i}\n\nThe council voted 7-2 on Tuesday to repair bridge {i}. \
         \"We cannot wait another winter,\" Mayor Ana Ruiz said. Critics said the plan \
         was too costly. The work starts in June."
    )
}

fn jsonl(n: usize) -> String {
    (0..n)
        .map(|i| serde_json::json!({"id": format!("d{i}"), "text": article(i)}).to_string() + "\n")
        .collect()
}

fn gzip(b: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(b).unwrap();
    e.finish().unwrap()
}

fn gunzip(b: &[u8]) -> Vec<u8> {
    let mut v = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::MultiGzDecoder::new(b), &mut v).unwrap();
    v
}

fn zstd_bytes(b: &[u8]) -> Vec<u8> {
    zstd::encode_all(b, 3).unwrap()
}

fn unzstd(b: &[u8]) -> Vec<u8> {
    zstd::decode_all(b).unwrap()
}

/// Plain, gzip and zstd JSON Lines, from files and from standard input, give the
/// same bytes; the output is one line per record, in order.
#[test]
fn jsonl_inputs_plain_and_compressed_agree() {
    let dir = tempfile::tempdir().unwrap();
    let data = jsonl(5);
    let plain = dir.path().join("in.jsonl");
    std::fs::write(&plain, &data).unwrap();
    let gz = dir.path().join("in.jsonl.gz");
    std::fs::write(&gz, gzip(data.as_bytes())).unwrap();
    let zst = dir.path().join("in.jsonl.zst");
    std::fs::write(&zst, zstd_bytes(data.as_bytes())).unwrap();

    let reference = run_ok(&["classify", s(&plain)], None, 0).stdout;
    let got = lines(&reference);
    let ids: Vec<&str> = got.iter().map(|v| v["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["d0", "d1", "d2", "d3", "d4"]);
    assert!(got
        .iter()
        .all(|v| v["sentences"].as_array().unwrap().len() >= 4));
    for p in [&gz, &zst] {
        assert!(
            run_ok(&["classify", s(p)], None, 0).stdout == reference,
            "{p:?}"
        );
    }
    // Standard input: plain, and compressed (sniffed from the first bytes).
    assert!(run_ok(&["classify"], Some(data.as_bytes()), 0).stdout == reference);
    let gz_bytes = std::fs::read(&gz).unwrap();
    assert!(run_ok(&["classify", "-"], Some(&gz_bytes), 0).stdout == reference);
    // Several inputs are one stream, in the order given.
    let two = run_ok(&["classify", s(&plain), s(&zst)], None, 0).stdout;
    assert!(two == [reference.clone(), reference.clone()].concat());
    // `-o -` is standard output, not a file named `-` (run in a fresh directory to
    // see that none is created).
    let cwd = dir.path().join("cwd");
    std::fs::create_dir(&cwd).unwrap();
    let out = bin()
        .args(["classify", s(&plain), "-o", "-"])
        .current_dir(&cwd)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout == reference);
    assert!(!cwd.join("-").exists(), "`-o -` wrote a file named `-`");
    // Resuming needs a file to continue from.
    let out = run_ok(&["classify", s(&plain), "-o", "-", "--resume"], None, 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("--resume needs an output file"));
}

/// Writes a tree of .txt files: nested, with a non-.txt file, an empty file and
/// invalid UTF-8. Returns the ids in the expected (sorted, depth-first) order.
fn text_tree(root: &Path) -> Vec<&'static str> {
    std::fs::create_dir_all(root.join("b/inner")).unwrap();
    std::fs::write(root.join("a.txt"), article(1)).unwrap();
    std::fs::write(root.join("b/inner/c.txt"), article(2)).unwrap();
    std::fs::write(root.join("b/bad.txt"), b"Valid start \xff\xfe then junk.").unwrap();
    std::fs::write(root.join("b/empty.txt"), b"").unwrap();
    std::fs::write(root.join("notes.md"), "not a document").unwrap();
    std::fs::write(root.join("z.TXT"), article(3)).unwrap();
    vec![
        "a.txt",
        "b/bad.txt",
        "b/empty.txt",
        "b/inner/c.txt",
        "z.TXT",
    ]
}

fn check_tree_output(got: &[Value], ids: &[&str]) {
    let got_ids: Vec<&str> = got.iter().map(|v| v["id"].as_str().unwrap()).collect();
    assert_eq!(got_ids, ids);
    // Invalid UTF-8 is an error line in its place; the empty file has no sentences.
    let err = got[1]["error"].as_str().expect("bad.txt is an error line");
    assert!(err.contains("invalid UTF-8 at byte 12"), "{err}");
    assert_eq!(got[2]["sentences"].as_array().unwrap().len(), 0);
    for i in [0, 3, 4] {
        assert!(
            got[i]["sentences"].as_array().unwrap().len() >= 4,
            "{}",
            got[i]
        );
    }
}

#[test]
fn directory_tree_and_tar_archives() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("texts");
    let ids = text_tree(&root);
    let out = run_ok(&["classify", s(&root)], None, 1);
    let from_dir = out.stdout;
    check_tree_output(&lines(&from_dir), &ids);

    // The same files in a tar archive (added in a shuffled order: archive order wins).
    let mut b = tar::Builder::new(Vec::new());
    for id in [
        "z.TXT",
        "a.txt",
        "b/bad.txt",
        "b/empty.txt",
        "b/inner/c.txt",
        "notes.md",
    ] {
        b.append_path_with_name(root.join(id), id).unwrap();
    }
    let tar_bytes = b.into_inner().unwrap();
    let tar = dir.path().join("texts.tar");
    std::fs::write(&tar, &tar_bytes).unwrap();
    let tgz = dir.path().join("texts.tar.gz");
    std::fs::write(&tgz, gzip(&tar_bytes)).unwrap();
    let tzst = dir.path().join("texts.tar.zst");
    std::fs::write(&tzst, zstd_bytes(&tar_bytes)).unwrap();
    let from_tar = run_ok(&["classify", s(&tar)], None, 1).stdout;
    let got = lines(&from_tar);
    let mut sorted = got.clone();
    sorted.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
    assert_eq!(got[0]["id"], "z.TXT", "archive order is kept");
    check_tree_output(&sorted, &ids);
    // Error lines name the archive; otherwise the outputs are the same bytes.
    let named = |out: Vec<u8>, name: &str| String::from_utf8(out).unwrap().replace(name, "ARCHIVE");
    let want = named(from_tar.clone(), s(&tar));
    for p in [&tgz, &tzst] {
        let got = named(run_ok(&["classify", s(p)], None, 1).stdout, s(p));
        assert!(
            got == want,
            "{p:?} differs from the plain tar:\n{got}\n{want}"
        );
    }
    // A tar archive on standard input needs --format.
    let stdin = run_ok(&["classify", "--format", "tar"], Some(&gzip(&tar_bytes)), 1);
    assert!(named(stdin.stdout, "<stdin>") == want);
    // One .txt file is one document named by its file name.
    let one = run_ok(&["classify", s(&root.join("a.txt"))], None, 0);
    assert_eq!(lines(&one.stdout)[0]["id"], "a.txt");
}

#[test]
fn unreadable_directory_entries_are_error_lines() {
    // A dangling symlink cannot be opened, even by root.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), article(1)).unwrap();
    std::os::unix::fs::symlink(dir.path().join("gone.txt"), dir.path().join("b.txt")).unwrap();
    std::fs::write(dir.path().join("c.txt"), article(2)).unwrap();
    let out = run_ok(&["classify", s(dir.path())], None, 1);
    let got = lines(&out.stdout);
    let ids: Vec<&str> = got.iter().map(|v| v["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["a.txt", "b.txt", "c.txt"]);
    let err = got[1]["error"].as_str().unwrap();
    assert!(
        err.contains("b.txt: cannot open") && err.contains("No such file"),
        "{err}"
    );

    // Root reads files whatever their mode, so the chmod 000 case needs another user.
    if Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
    {
        crate::util::skip("the chmod 000 part: running as root, which reads such files");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), article(1)).unwrap();
    std::fs::write(dir.path().join("b.txt"), article(2)).unwrap();
    std::fs::create_dir(dir.path().join("c")).unwrap();
    std::fs::write(dir.path().join("c/d.txt"), article(3)).unwrap();
    std::fs::write(dir.path().join("e.txt"), article(4)).unwrap();
    let locked = std::fs::Permissions::from_mode(0o000);
    std::fs::set_permissions(dir.path().join("b.txt"), locked.clone()).unwrap();
    std::fs::set_permissions(dir.path().join("c"), locked).unwrap();
    let out = run(&["classify", s(dir.path())], None);
    for p in ["b.txt", "c"] {
        std::fs::set_permissions(dir.path().join(p), std::fs::Permissions::from_mode(0o755))
            .unwrap();
    }
    assert_eq!(out.status.code(), Some(1));
    let got = lines(&out.stdout);
    let ids: Vec<&str> = got.iter().map(|v| v["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["a.txt", "b.txt", "c", "e.txt"]);
    assert!(got[1]["error"].as_str().unwrap().contains("cannot open"));
    assert!(got[2]["error"]
        .as_str()
        .unwrap()
        .contains("cannot read directory"));
    assert!(got[3]["error"].is_null());
}

/// Output compressed by extension holds exactly the plain output; the report file
/// and the stderr summary carry the counts.
#[test]
fn compressed_outputs_and_report() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    std::fs::write(
        &input,
        jsonl(4) + "{\"id\": \"bad\", \"text\": 3}\nnot json\n",
    )
    .unwrap();
    let plain = dir.path().join("out.jsonl");
    let report = dir.path().join("report.json");
    let out = run_ok(
        &[
            "classify",
            s(&input),
            "-o",
            s(&plain),
            "--report",
            s(&report),
        ],
        None,
        1,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("6 records") && stderr.contains("2 errors"),
        "{stderr}"
    );
    let r: Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(r["records"], 6);
    assert_eq!(r["errors"], 2);
    assert!(r["sentences"].as_u64().unwrap() >= 16, "{r}");
    assert!(r["records_per_second"].as_f64().unwrap() > 0.0);
    let reference = std::fs::read(&plain).unwrap();
    let got = lines(&reference);
    assert_eq!(got.len(), 6);
    assert!(got[4]["error"]
        .as_str()
        .unwrap()
        .contains(":5: expected a string"));
    assert!(got[5]["error"].as_str().unwrap().contains(":6: not JSON"));
    for (ext, decode) in [("gz", gunzip as fn(&[u8]) -> Vec<u8>), ("zst", unzstd)] {
        let p = dir.path().join(format!("out.jsonl.{ext}"));
        run_ok(&["classify", s(&input), "-o", s(&p), "-q"], None, 1);
        assert!(decode(&std::fs::read(&p).unwrap()) == reference, "{ext}");
    }
}

#[test]
fn empty_input_and_refusals() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.jsonl");
    std::fs::write(&empty, "\n\n").unwrap();
    let out = run_ok(&["classify", s(&empty)], None, 0);
    assert!(out.stdout.is_empty());
    // A missing input fails before the output is touched.
    let o = dir.path().join("o.jsonl");
    std::fs::write(&o, "keep me\n").unwrap();
    let missing = dir.path().join("missing.jsonl");
    let out = run_ok(&["classify", s(&missing), "-o", s(&o)], None, 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.jsonl"));
    assert_eq!(std::fs::read(&o).unwrap(), b"keep me\n");
    // The output may not be an input; --resume needs an output file.
    run_ok(&["classify", s(&o), "-o", s(&o)], None, 2);
    run_ok(&["classify", s(&empty), "--resume"], None, 2);
    let out = run_ok(&["classify", s(&empty), "--format", "xml"], None, 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("expected jsonl, text, dir or tar"));
}

/// Cutting a finished output anywhere (mid-line, at a line end, inside a compressed
/// block) and resuming gives back exactly the uninterrupted output.
#[test]
fn resume_after_a_cut_off_output() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    std::fs::write(&input, jsonl(12)).unwrap();
    for ext in ["jsonl", "jsonl.gz", "jsonl.zst"] {
        let out = dir.path().join(format!("out.{ext}"));
        run_ok(&["classify", s(&input), "-o", s(&out), "-q"], None, 0);
        let full = std::fs::read(&out).unwrap();
        let cuts = [
            0,
            1,
            full.len() / 3,
            full.len() / 2,
            full.len() - 1,
            full.len(),
        ];
        for cut in cuts {
            std::fs::write(&out, &full[..cut]).unwrap();
            let r = run_ok(&["classify", s(&input), "-o", s(&out), "--resume"], None, 0);
            let got = std::fs::read(&out).unwrap();
            let (got, want) = match ext {
                "jsonl.gz" => (gunzip(&got), gunzip(&full)),
                "jsonl.zst" => (unzstd(&got), unzstd(&full)),
                _ => (got, full.clone()),
            };
            assert!(
                got == want,
                "{ext} cut at {cut}: output differs after --resume\nstderr: {}",
                String::from_utf8_lossy(&r.stderr)
            );
        }
        let left = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".resume-tmp"))
            .count();
        assert_eq!(left, 0, "a temporary file was left behind");
    }
    // Resuming onto the output of another input is refused, and the file is kept.
    let other = dir.path().join("other.jsonl");
    std::fs::write(&other, jsonl(12).replace("\"d", "\"x")).unwrap();
    let out = dir.path().join("out.jsonl");
    let before = std::fs::read(&out).unwrap();
    std::fs::write(&out, &before[..before.len() / 2]).unwrap();
    let r = run_ok(&["classify", s(&other), "-o", s(&out), "--resume"], None, 2);
    assert!(
        String::from_utf8_lossy(&r.stderr).contains("is it the output of this input"),
        "{}",
        String::from_utf8_lossy(&r.stderr)
    );
}

/// A real interruption: kill the process while it writes, then run the same command
/// with --resume; the result is the uninterrupted output, byte for byte (after
/// decompression for a compressed output).
#[test]
fn resume_after_a_kill() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl.gz");
    std::fs::write(&input, gzip(varied_jsonl(800).as_bytes())).unwrap();
    let reference = dir.path().join("reference.jsonl");
    run_ok(&["classify", s(&input), "-o", s(&reference), "-q"], None, 0);
    let reference = std::fs::read(&reference).unwrap();
    for (ext, decode) in [
        ("jsonl", (|b: &[u8]| b.to_vec()) as fn(&[u8]) -> Vec<u8>),
        ("jsonl.gz", gunzip_prefix),
    ] {
        let out: PathBuf = dir.path().join(format!("out.{ext}"));
        let args = [
            "classify",
            s(&input),
            "-o",
            s(&out),
            "--jobs",
            "1",
            "--chunk",
            "8",
            "-q",
        ];
        let mut child = bin()
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Kill once some output has reached the disk, well before the end (output
        // reaches the file in 64 KiB writes).
        let enough = if ext == "jsonl" {
            reference.len() as u64 / 10
        } else {
            1
        };
        let started = Instant::now();
        while std::fs::metadata(&out).map_or(0, |m| m.len()) < enough {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "no output after 60 s"
            );
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        child.kill().ok();
        child.wait().unwrap();
        let partial = decode(&std::fs::read(&out).unwrap());
        if partial.len() >= reference.len() {
            eprintln!("{ext}: the run finished before the kill; only a no-op resume is checked");
        } else {
            eprintln!(
                "{ext}: killed after {} of {} bytes",
                partial.len(),
                reference.len()
            );
            assert!(
                reference[..partial.len()] == partial[..],
                "{ext}: not a prefix"
            );
        }
        let mut resumed = args.to_vec();
        resumed.push("--resume");
        run_ok(&resumed, None, 0);
        let got = decode(&std::fs::read(&out).unwrap());
        assert!(got == reference, "{ext}: resumed output differs");
    }
}

/// Documents with varied words, so that their output compresses no better than news.
fn varied_jsonl(n: usize) -> String {
    const WORDS: [&str; 24] = [
        "council", "river", "minister", "said", "budget", "on", "Tuesday", "voters", "the", "plan",
        "bridge", "flood", "police", "reported", "a", "new", "school", "court", "ruled", "that",
        "company", "shares", "fell", "after",
    ];
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut word = || {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        WORDS[(x >> 33) as usize % WORDS.len()]
    };
    (0..n)
        .map(|i| {
            let text: Vec<String> = (0..5)
                .map(|_| (0..12).map(|_| word()).collect::<Vec<_>>().join(" ") + ".")
                .collect();
            let text = format!("\"{}\" she said. {}", text[0], text[1..].join(" "));
            serde_json::json!({"id": format!("v{i}"), "text": text}).to_string() + "\n"
        })
        .collect()
}

/// What a (possibly cut-off) gzip stream decodes to, up to where it ends.
fn gunzip_prefix(b: &[u8]) -> Vec<u8> {
    let mut v = Vec::new();
    let mut d = flate2::read::MultiGzDecoder::new(b);
    let mut buf = [0u8; 8192];
    loop {
        match std::io::Read::read(&mut d, &mut buf) {
            Ok(0) | Err(_) => return v,
            Ok(n) => v.extend_from_slice(&buf[..n]),
        }
    }
}

/// `classify -` as a pipe stage (Spark's RDD.pipe, Hadoop streaming): each record
/// written to standard input is answered on standard output before the next one is
/// sent, so a writer that waits for answers never deadlocks with a filling chunk.
#[test]
fn a_pipe_is_answered_record_by_record() {
    let mut child = bin()
        .args(["classify", "-q", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start newsroles");
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    // Read answers on a thread so a missing flush fails the test instead of hanging it.
    let (tx, rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stdout).lines() {
            if tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    for i in 0..3 {
        let rec = serde_json::json!({
            "id": format!("doc{i}"),
            "text": "The minister said the plan would work. Prices rose sharply on Monday.",
        });
        writeln!(stdin, "{rec}").unwrap();
        stdin.flush().unwrap();
        let answer = rx
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("no answer to record {i} while the pipe stays open"));
        let v: Value = serde_json::from_str(&answer).unwrap();
        assert_eq!(v["id"], format!("doc{i}"));
        assert_eq!(v["sentences"].as_array().unwrap().len(), 2, "{answer}");
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
    reader.join().unwrap();
    assert!(
        rx.try_recv().is_err(),
        "no extra lines after the last record"
    );
}
