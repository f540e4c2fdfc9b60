#!/usr/bin/env python3
"""Derive data/first-names.tsv: first names with their usual gender, for mention
detection (a person's name, and which pronoun fits it).

Source: the 1990 U.S. Census first-name lists (public domain), as shipped by the
PyPI package `names` 0.3.0 (MIT; files names/dist.female.first, dist.male.first,
dist.all.last). Run:

    pip download names==0.3.0 --no-deps --no-binary :all: -d /tmp/names
    tar xzf /tmp/names/names-0.3.0.tar.gz -C /tmp/names
    python3 scripts/first_names.py /tmp/names/names-0.3.0/names [CORPUS.jsonl ...] > data/first-names.tsv

Kept: names used clearly more for one gender (the other's share under 1/6), not
more common as a surname than as a first name, not a month or weekday, and (with
corpora given) not seen written in lower case three times or more in their texts
("hope", "may", "drew": words first), nor twice after "in", "at", "from", "near" …
("China", "Florence": places first) or in a place's or organisation's name in GUM, unless among the commonest names and not named often as a place.
"""
import json
import re
import sys
from collections import Counter


def freqs(path):
    out = {}
    for line in open(path):
        parts = line.split()
        if len(parts) >= 2:
            out[parts[0].lower()] = float(parts[1])
    return out


def main():
    d = sys.argv[1]
    fem, mal = freqs(f"{d}/dist.female.first"), freqs(f"{d}/dist.male.first")
    last = freqs(f"{d}/dist.all.last")
    lower, placed = Counter(), Counter()
    for p in sys.argv[2:]:
        for line in open(p, encoding="utf-8"):
            text = json.loads(line).get("text", "")
            for w in re.findall(r"\b[a-z]+\b", text):
                lower[w] += 1
            # Named after "in", "from", "near" …: a place ("China", "Florence").
            for w in re.findall(r"\b(?:in|at|from|near|across|throughout)\s+([A-Z][a-z]+)\b", text):
                placed[w.lower()] += 1
            # GUM's entities: a word of a place's or an organisation's name.
            d = json.loads(line)
            for e in d.get("entities") or []:
                if e.get("type") in ("place", "organization"):
                    for m in e["mentions"]:
                        for w in re.findall(r"\b[A-Z][a-z]+\b", text[m["start"]:m["end"]]):
                            placed[w.lower()] += 2
    calendar = {
        "january", "february", "march", "april", "may", "june", "july", "august",
        "september", "october", "november", "december", "monday", "tuesday",
        "wednesday", "thursday", "friday", "saturday", "sunday",
    }
    print("# first name\tgender (f/m): 1990 U.S. Census lists (public domain) via PyPI names 0.3.0; scripts/first_names.py")
    for n in sorted(set(fem) | set(mal)):
        f, m = fem.get(n, 0.0), mal.get(n, 0.0)
        if min(f, m) > max(f, m) / 6:
            continue
        # The commonest names (0.1% of people or more: "Mary", "Michael") are kept
        # unless a place of theirs is named often ("Virginia").
        place = placed[n] >= 10 or (placed[n] >= 2 and max(f, m) < 0.1)
        if last.get(n, 0.0) > max(f, m) / 2 or n in calendar or lower[n] >= 3 or place:
            continue
        if not n.isalpha() or len(n) < 2:
            continue
        print(f"{n}\t{'f' if f > m else 'm'}")


if __name__ == "__main__":
    main()
