"""Classify a directory of JSONL or WARC files with `newsroles classify` on a Spark cluster.

The job has the shape of Common Crawl's cc-pyspark jobs: map-only, no shuffle.

- JSONL (`*.jsonl`, `*.jsonl.gz`): `sc.textFile(input)` gives the records, split by
  Hadoop input splits; each partition is piped through one
  `newsroles classify --jobs 1 -` process (records on stdin, one output line per
  input line, in order, on stdout) and the partitions are saved as they are.
- WARC (`*.warc`, `*.warc.gz`): WARC files are not splittable, so the list of paths
  is parallelised (one file per task by default) and each task runs
  `newsroles classify --jobs 1 FILE` and yields its lines (one per WARC response
  record, id = target URI). Paths may be local to the executors (a shared file
  system) or http(s) URLs (e.g. https://data.commoncrawl.org/crawl-data/CC-NEWS/...),
  which the task downloads to a temporary file first.

The binary and the model are shipped with `spark-submit --files newsroles,newsroles.model`
and found on each executor with `SparkFiles.get`; `--binary`/`--model` take explicit
paths instead (local runs, or a binary installed on every node).

Exit statuses of classify: 0 every record succeeded, 1 some records became
`{"id", "error"}` lines (kept: they are part of the output, counted in the summary),
2 fatal (the task fails with classify's stderr).

Usage (see examples/spark/README.md):

    spark-submit --master yarn --files target/release/newsroles,models/default/newsroles.model \\
        examples/spark/newsroles_spark.py hdfs:///news/jsonl/ hdfs:///news/roles/
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import urllib.request
from pathlib import Path
from typing import Iterable, Iterator

# Executors must not block on a full stderr pipe while we read stdout: stderr goes to a
# temporary file and only its tail is reported.
STDERR_TAIL_BYTES = 4000
WARC_SUFFIXES = (".warc", ".warc.gz")
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".json", ".json.gz")
# What classify counts as a blank (skipped) line: Rust's u8::is_ascii_whitespace.
ASCII_WHITESPACE = " \t\n\x0c\r"


class ClassifyFailed(RuntimeError):
    """`newsroles classify` exited with a fatal status (or lost records)."""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="newsroles_spark.py",
        description="Classify JSONL or WARC files with newsroles on Spark (map-only).",
    )
    p.add_argument("input", help="a directory, file or glob of JSONL or WARC files; "
                   "or, with --format warc-list, a text file of WARC paths/URLs, one per line")
    p.add_argument("output", help="output directory (saveAsTextFile; must not exist)")
    p.add_argument("--format", choices=["auto", "jsonl", "warc", "warc-list"], default="auto",
                   help="input kind [auto: from the file names]")
    p.add_argument("--binary", default=None,
                   help="path of the newsroles binary on the executors "
                        "[default: SparkFiles.get('newsroles'), shipped with --files]")
    p.add_argument("--model", default=None,
                   help="path of the model on the executors [default: "
                        "SparkFiles.get('newsroles.model') when shipped with --files, "
                        "else the binary's default]")
    p.add_argument("--jobs", type=int, default=1,
                   help="threads per classify process; match spark.task.cpus [1]")
    p.add_argument("--partitions", type=int, default=None,
                   help="JSONL: minimum input partitions; WARC: tasks [one per file]")
    p.add_argument("--compress", choices=["none", "gzip"], default="none",
                   help="compress the output part files")
    p.add_argument("--summary", default=None,
                   help="also write the run summary as JSON to this local file")
    return p.parse_args(argv)


# ---------------------------------------------------------------- executor side


def _executable(path: str) -> str:
    """`path`, made executable if it lost its mode bit in distribution (some
    file-distribution paths do not keep it); copied when it cannot be chmod-ed."""
    if os.access(path, os.X_OK):
        return path
    try:
        os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        return path
    except OSError:
        copy = os.path.join(tempfile.mkdtemp(prefix="newsroles-bin-"), os.path.basename(path))
        shutil.copy2(path, copy)
        os.chmod(copy, 0o755)
        return copy


def _resolve(binary: str | None, model: str | None) -> tuple[str, str | None]:
    """Binary and model paths on this executor: explicit, or shipped with --files."""
    from pyspark import SparkFiles

    if binary is None:
        binary = SparkFiles.get("newsroles")
        if not os.path.isfile(binary):
            raise ClassifyFailed(
                f"no newsroles binary at {binary}: ship it with `spark-submit --files "
                ".../newsroles` or pass --binary")
    if model is None:
        shipped = SparkFiles.get("newsroles.model")
        model = shipped if os.path.isfile(shipped) else None
    return _executable(binary), model


def _command(binary: str, model: str | None, jobs: int, inputs: list[str]) -> list[str]:
    cmd = [binary, "classify", "--quiet", "--jobs", str(jobs)]
    if model is not None:
        cmd += ["--model", model]
    return cmd + inputs


def _tail(f) -> str:
    f.seek(0, os.SEEK_END)
    size = f.tell()
    f.seek(max(0, size - STDERR_TAIL_BYTES))
    return f.read().decode("utf-8", "replace")


def _is_error_line(line: str) -> bool:
    # An error record is {"id", "error"}; `"error":` cannot occur inside a JSON string
    # (its quotes would be escaped), so the substring test only needs confirming.
    if '"error":' not in line:
        return False
    try:
        return "error" in json.loads(line)
    except ValueError:
        return False


def _json_str(s: str) -> str:
    """`s` as it appears inside a JSON string (serde_json escapes the same way)."""
    return json.dumps(s, ensure_ascii=False)[1:-1]


def _run(cmd: list[str], lines: Iterable[str] | None, what: str, counters,
         rename: tuple[str, str] | None = None) -> Iterator[str]:
    """Run classify; feed `lines` (if any) on stdin from a thread, yield stdout lines
    as they come, and check the exit status at the end. `rename` = (local path, name):
    error lines name `name` (the URL) instead of the temporary download."""
    records_out, error_records = counters
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.PIPE if lines is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=err,
        )
        feeder_error: list[BaseException] = []

        def feed() -> None:
            try:
                for line in lines:
                    proc.stdin.write(line.encode("utf-8") + b"\n")
            except BrokenPipeError:
                pass  # classify died; its exit status and stderr say why
            except BaseException as e:  # noqa: BLE001 - re-raised in the task thread
                feeder_error.append(e)
            finally:
                try:
                    proc.stdin.close()
                except BrokenPipeError:
                    pass

        feeder = None
        if lines is not None:
            feeder = threading.Thread(target=feed, name="newsroles-stdin", daemon=True)
            feeder.start()
        try:
            for raw in proc.stdout:
                line = raw.decode("utf-8").rstrip("\n")
                records_out.add(1)
                if _is_error_line(line):
                    error_records.add(1)
                    if rename is not None:
                        line = line.replace(_json_str(rename[0]), _json_str(rename[1]))
                yield line
        finally:
            proc.stdout.close()
            if proc.poll() is None and feeder is not None and feeder.is_alive():
                # The consumer stopped early (task cancelled): do not leave a process.
                proc.kill()
            code = proc.wait()
            if feeder is not None:
                feeder.join()
        if feeder_error:
            raise feeder_error[0]
        if code not in (0, 1):
            raise ClassifyFailed(
                f"`{' '.join(cmd)}` on {what} exited with {code}:\n{_tail(err)}")
        if code == 1:
            sys.stderr.write(f"newsroles_spark: some records of {what} failed "
                             f"(kept as error lines):\n{_tail(err)}\n")


def classify_jsonl_partition(binary, model, jobs, counters):
    """mapPartitions function: pipe one partition of JSONL lines through classify.
    Fails the task when the partition's line count in and out differ."""
    records_in, records_out, error_records = counters

    def run(index: int, lines: Iterator[str]) -> Iterator[str]:
        exe, mdl = _resolve(binary, model)
        seen = [0]

        def counted() -> Iterator[str]:
            for line in lines:
                if not line.strip(ASCII_WHITESPACE):
                    continue  # classify skips blank lines: they are not records
                seen[0] += 1
                records_in.add(1)
                yield line

        produced = 0
        for out in _run(_command(exe, mdl, jobs, ["-"]), counted(),
                        f"partition {index}", (records_out, error_records)):
            produced += 1
            yield out
        if produced != seen[0]:
            raise ClassifyFailed(
                f"partition {index}: {seen[0]} lines in but {produced} lines out")

    return run


def _fetch(url: str, into: str) -> str:
    name = os.path.basename(url.split("?", 1)[0]) or "input.warc.gz"
    dest = os.path.join(into, name)
    with urllib.request.urlopen(url, timeout=300) as r, open(dest, "wb") as f:
        shutil.copyfileobj(r, f, 1 << 20)
    return dest


def classify_warc_files(binary, model, jobs, counters):
    """mapPartitions function: classify each WARC path of the partition in turn."""
    files_done, records_out, error_records = counters

    def run(paths: Iterator[str]) -> Iterator[str]:
        exe, mdl = _resolve(binary, model)
        for path in paths:
            if path.startswith(("http://", "https://")):
                with tempfile.TemporaryDirectory(prefix="newsroles-warc-") as tmp:
                    local = _fetch(path, tmp)
                    yield from _run(_command(exe, mdl, jobs, [local]), None, path,
                                    (records_out, error_records), rename=(local, path))
            else:
                local = path[len("file://"):] if path.startswith("file://") else path
                yield from _run(_command(exe, mdl, jobs, [local]), None, path,
                                (records_out, error_records))
            files_done.add(1)

    return run


# ------------------------------------------------------------------ driver side


def _list_inputs(spec: str) -> list[str]:
    """Files named by `spec` (a directory, file or glob), sorted. A local path that
    exists (local runs, shared file systems) is listed here; anything else (hdfs://,
    s3a://, or a bare path on the cluster's default file system) by Hadoop."""
    if "://" not in spec or spec.startswith("file://"):
        local = spec[len("file://"):] if spec.startswith("file://") else spec
        p = Path(local)
        if p.is_dir():
            return sorted(str(f) for f in p.rglob("*")
                          if f.is_file() and not f.name.startswith((".", "_")))
        if p.is_file():
            return [str(p)]
        found = sorted(f for f in glob.glob(local) if os.path.isfile(f))
        if found or spec.startswith("file://"):
            return found
    return _list_hadoop(spec)


def _list_hadoop(spec: str) -> list[str]:
    from pyspark import SparkContext

    sc = SparkContext.getOrCreate()
    jvm = sc._jvm
    path = jvm.org.apache.hadoop.fs.Path(spec)
    fs = path.getFileSystem(sc._jsc.hadoopConfiguration())
    statuses = fs.globStatus(path) or []
    out = []
    for st in statuses:
        if st.isDirectory():
            it = fs.listFiles(st.getPath(), True)
            while it.hasNext():
                out.append(it.next().getPath().toString())
        else:
            out.append(st.getPath().toString())
    return sorted(p for p in out if not os.path.basename(p).startswith((".", "_")))


def detect_format(files: list[str]) -> str:
    kinds = {("warc" if f.endswith(WARC_SUFFIXES) else
              "jsonl" if f.endswith(JSONL_SUFFIXES) else "other") for f in files}
    if kinds == {"warc"}:
        return "warc"
    if kinds == {"jsonl"}:
        return "jsonl"
    raise SystemExit(
        f"cannot tell the input format from the file names ({sorted(kinds)}): "
        "use --format jsonl or --format warc")


def main(argv: list[str] | None = None, spark=None) -> dict:
    """Run the job; returns the summary (also printed as JSON on stdout). `spark`: an
    existing SparkSession (tests), else one is created."""
    args = parse_args(argv)
    if spark is None:
        from pyspark.sql import SparkSession

        spark = SparkSession.builder.appName("newsroles-classify").getOrCreate()
    sc = spark.sparkContext
    codec = "org.apache.hadoop.io.compress.GzipCodec" if args.compress == "gzip" else None

    fmt = args.format
    files: list[str] = []
    if fmt == "warc-list":
        with open(args.input, encoding="utf-8") as f:
            files = [ln.strip() for ln in f if ln.strip() and not ln.startswith("#")]
        fmt = "warc"
    else:
        files = _list_inputs(args.input)
        if not files:
            raise SystemExit(f"no input files at {args.input}")
        if fmt == "auto":
            fmt = detect_format(files)

    records_in = sc.accumulator(0)
    records_out = sc.accumulator(0)
    error_records = sc.accumulator(0)
    files_done = sc.accumulator(0)
    if fmt == "jsonl":
        # textFile takes a comma-separated list; splits per HDFS block, no shuffle.
        rdd = sc.textFile(",".join(files), minPartitions=args.partitions or sc.defaultMinPartitions)
        out = rdd.mapPartitionsWithIndex(
            classify_jsonl_partition(args.binary, args.model, args.jobs,
                                     (records_in, records_out, error_records)),
            preservesPartitioning=True)
    else:
        slices = args.partitions or len(files)
        out = sc.parallelize(files, numSlices=max(1, min(slices, len(files)))).mapPartitions(
            classify_warc_files(args.binary, args.model, args.jobs,
                                (files_done, records_out, error_records)))
    out.saveAsTextFile(args.output, compressionCodecClass=codec)

    summary = {
        "format": fmt,
        "input_files": len(files),
        "records_in": records_in.value if fmt == "jsonl" else None,
        "records_out": records_out.value,
        "error_records": error_records.value,
        "warc_files_done": files_done.value if fmt == "warc" else None,
        "output": args.output,
    }
    print(json.dumps(summary), flush=True)
    if args.summary:
        Path(args.summary).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    # Each partition already checks its own counts; this catches anything lost between
    # (accumulators of retried tasks count twice on both sides alike).
    if fmt == "jsonl" and summary["records_out"] != summary["records_in"]:
        raise ClassifyFailed(f"{summary['records_in']} records in, {summary['records_out']} out")
    if fmt == "warc" and files_done.value < len(files):
        raise ClassifyFailed(f"{files_done.value} of {len(files)} WARC files classified")
    return summary


if __name__ == "__main__":
    main()
