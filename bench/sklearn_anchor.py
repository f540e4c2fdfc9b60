#!/usr/bin/env python3
"""The scikit-learn anchor for bench/compare.sh: TF-IDF + LogisticRegression trained
on the gold sentences of NewsDiscourse train, predicting pre-split sentences.

Settings: word 1-2-grams, lowercase, min_df=2, sublinear tf; multinomial
LogisticRegression, C=1, class_weight="balanced", lbfgs, max_iter=1000. DESIGN.md
gives no exact settings; these reach dev macro-F1 0.545 on gold sentences, close to
the 0.549 of the anchor quoted in README "How good, how fast" (plain C=1 gives 0.526,
C=10 0.540, unigrams 0.518).

Prints one JSON object: training time, the dev macro-F1 on gold dev sentences (a
sanity check that the anchor is a real classifier), and the timed prediction of
--sentences (one sentence per line; read, vectorised, predicted, written) as
sentences/s, with the CPU seconds it took. Single process, as scikit-learn predicts.
"""
import argparse
import json
import sys
import time


def gold_sentences(path):
    xs, ys = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            d = json.loads(line)
            for s in d.get("sentences") or []:
                xs.append(d["text"][s["start"]:s["end"]])
                ys.append(s["role"])
    return xs, ys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--train", required=True)
    ap.add_argument("--dev")
    ap.add_argument("--sentences", required=True, help="one sentence per line")
    ap.add_argument("--out", required=True, help="predicted role per line")
    ap.add_argument("--batch", type=int, default=100_000)
    a = ap.parse_args()

    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score

    t0 = time.perf_counter()
    xs, ys = gold_sentences(a.train)
    vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, lowercase=True)
    clf = LogisticRegression(C=1.0, max_iter=1000, class_weight="balanced")
    clf.fit(vec.fit_transform(xs), ys)
    train_s = time.perf_counter() - t0
    result = {"train_sentences": len(xs), "train_seconds": round(train_s, 2)}
    if a.dev:
        dx, dy = gold_sentences(a.dev)
        result["dev_macro_f1"] = round(
            f1_score(dy, clf.predict(vec.transform(dx)), average="macro"), 3
        )

    # Timed: read, vectorise, predict (with probabilities, as newsroles reports them),
    # write; in batches so memory stays bounded.
    n = 0
    t0, c0 = time.perf_counter(), time.process_time()
    with open(a.sentences, encoding="utf-8") as f, open(a.out, "w", encoding="utf-8") as out:
        batch = []

        def flush():
            X = vec.transform(batch)
            proba = clf.predict_proba(X)
            labels = clf.classes_[proba.argmax(axis=1)]
            out.write("\n".join(labels))
            out.write("\n")

        for line in f:
            batch.append(line.rstrip("\n"))
            if len(batch) >= a.batch:
                flush()
                n += len(batch)
                batch = []
        if batch:
            flush()
            n += len(batch)
    secs = time.perf_counter() - t0
    cpu = time.process_time() - c0  # all threads of the process, as /usr/bin/time counts
    result.update(
        {
            "sentences": n,
            "seconds": round(secs, 2),
            "cpu_seconds": round(cpu, 2),
            "sentences_per_second": round(n / secs),
        }
    )
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    main()
