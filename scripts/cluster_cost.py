"""What one article costs: CPU seconds (make and its children) and, on a cluster, the bytes sent.

The figures behind docs/cluster.md's sizing:

    python scripts/cluster_cost.py cpu pyttsx3          # a 900-word article, --jobs 1, cold cache
    python scripts/cluster_cost.py cpu piper
    python scripts/cluster_cost.py net tcp://HOST:8786  # the same article through a Dask cluster

``net`` counts the tasks, and the pickled arguments and results of every remote call; run it with a cold cache.
"""

from __future__ import annotations

import json
import pickle
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import make_article


def cpu(engine: str, work: Path, article: Path) -> None:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-m", "audiobrief", "make", str(article), "--out", str(work / "out"),
                    "--jobs", "1", "--cache-dir", str(work / "cache"), "--engine", engine],
                   check=True, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    seconds = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    episode = json.loads((work / "out" / "episodes.json").read_text())["episodes"][0]
    print(f"{engine}: {episode['duration']:.1f} s of audio, {seconds:.1f} CPU-s, MP3 {episode['bytes']:,} bytes; "
          f"per 5 minutes of audio: {seconds * 300 / episode['duration']:.1f} CPU-s")


def net(address: str, work: Path, article: Path) -> None:
    from distributed import Client

    from audiobrief import cluster
    from audiobrief.build import build
    from audiobrief.config import Config

    sent, back, tasks = [0], [0], [0]
    send, wait, pack_block, submit = (cluster.ClusterExecutor._send, cluster.ClusterExecutor._wait,
                                      cluster.remote.pack_block, Client.submit)

    def counted_send(self, fn, arglist):  # a block's files are a future here: counted when packed
        sent[0] += len(pickle.dumps(arglist))
        return send(self, fn, arglist)

    def counted_wait(self, future):
        result = wait(self, future)
        back[0] += len(pickle.dumps(result))
        return result

    def packed(block):  # each block's files, sent once for all of its steps
        found = pack_block(block)
        sent[0] += len(pickle.dumps(found[1]))
        return found

    def counted_submit(self, *args, **kwargs):  # every task: steps, and the files they take
        tasks[0] += 1
        return submit(self, *args, **kwargs)

    cluster.ClusterExecutor._send, cluster.ClusterExecutor._wait = counted_send, counted_wait
    cluster.remote.pack_block, Client.submit = packed, counted_submit
    with cluster.Cluster(address) as remote:
        report = build([article], Config(), work / "out", cache_dir=work / "cache", cluster=remote)
    used = resource.getrusage(resource.RUSAGE_SELF)
    seconds = report.episodes[0].duration
    print(f"{seconds:.1f} s of audio: {sent[0] / 1e6:.1f} MB sent, {back[0] / 1e6:.1f} MB back, "
          f"{tasks[0]} tasks, client {used.ru_utime + used.ru_stime:.1f} CPU-s (imports included); per 5 minutes: "
          f"{sent[0] / 1e6 * 300 / seconds:.1f} MB sent, {back[0] / 1e6 * 300 / seconds:.1f} MB back")


def main() -> None:
    mode, what = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory(prefix="audiobrief-cost-") as tmp:
        work = Path(tmp)
        article = work / "article.txt"
        article.write_text(make_article(7, sections=8, words=900))
        (cpu if mode == "cpu" else net)(what, work, article)


if __name__ == "__main__":
    main()
