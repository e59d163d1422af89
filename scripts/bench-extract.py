#!/usr/bin/env python3
"""Whole-process extraction time on the development corpus's PDFs, side by side with poppler.

    scripts/bench-extract.py target/release/r2w [rounds]

For every PDF under functions/extract/corpus (the scan aside: it has no text), runs
`r2w extract FILE --extractor heuristic` (read, lay out, structure, print JSON) and
`pdftotext -layout FILE -` (read and lay out only), each `rounds` times (default 5), and prints
the median per file of each, their ratio, and the totals. The goal: r2w no slower than
pdftotext. Writes nothing; prints figures for docs/benchmarks.md.
"""

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "functions" / "extract" / "corpus"


def timed(args):
    started = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main():
    r2w = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "target" / "release" / "r2w"
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    pdfs = sorted(p for p in CORPUS.rglob("*.pdf") if "scan" not in p.parts and "node_modules" not in p.parts)
    if not pdfs:
        sys.exit("no PDFs under functions/extract/corpus")
    ours, theirs = [], []
    for pdf in pdfs:
        ours.append(statistics.median(timed([str(r2w), "extract", str(pdf), "--extractor", "heuristic"]) for _ in range(rounds)))
        theirs.append(statistics.median(timed(["pdftotext", "-layout", str(pdf), "-"]) for _ in range(rounds)))
    ms = lambda seconds: seconds * 1000
    print(f"{len(pdfs)} PDFs, median of {rounds} runs each, whole process")
    print("| | r2w extract (read + structure + JSON) | pdftotext -layout (read only) | ratio |")
    print("| --- | --- | --- | --- |")
    for label, pick in [("p50 per file", statistics.median), ("p90 per file", lambda xs: sorted(xs)[int(len(xs) * 0.9) - 1])]:
        a, b = pick(ours), pick(theirs)
        print(f"| {label} | {ms(a):.1f} ms | {ms(b):.1f} ms | {a / b:.2f} |")
    print(f"| total | {ms(sum(ours)):.0f} ms | {ms(sum(theirs)):.0f} ms | {sum(ours) / sum(theirs):.2f} |")


if __name__ == "__main__":
    main()
