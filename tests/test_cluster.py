"""The cluster's parts without a cluster: version checks, bytes in and out, settings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from audiobrief import cluster, cluster_address, remote, segments
from audiobrief.config import Config, load_config
from audiobrief.engines import EngineSpec
from audiobrief.errors import ClusterError, ConfigError, EngineUnavailable
from audiobrief.timeline import Block, Part

SPEC = EngineSpec(name="pyttsx3", language="en")


def _facts(version=cluster.__version__, engine=("ok", "espeak-1")) -> dict:
    return {"version": version, "engines": {SPEC: engine}}


def test_a_worker_with_another_version_is_named_with_both_versions():
    with pytest.raises(ClusterError) as err:
        cluster.check_versions({"tcp://a:1": _facts(), "tcp://b:2": _facts(version="0.0.9")}, "tcp://s:8786")
    message = str(err.value)
    assert "tcp://b:2" in message and "0.0.9" in message and cluster.__version__ in message
    assert "tcp://a:1" not in message


def test_a_worker_that_cannot_import_audiobrief_and_an_empty_cluster_are_errors():
    with pytest.raises(ClusterError, match="tcp://b:2 cannot run audiobrief"):
        cluster.check_versions({"tcp://b:2": ModuleNotFoundError("No module named 'audiobrief'")}, "tcp://s:1")
    with pytest.raises(ClusterError, match="has no workers"):
        cluster.check_versions({}, "tcp://s:1")


def test_workers_without_the_engine_are_left_out_and_none_at_all_is_an_error(monkeypatch):
    monkeypatch.setattr(cluster, "engine_cache_id", lambda spec: "espeak-1")
    facts = {"tcp://a:1": _facts(), "tcp://b:2": _facts(engine=("missing", "pyttsx3 is not installed"))}
    assert cluster.workers_for([SPEC], facts, "tcp://s:1") == ["tcp://a:1"]
    facts["tcp://a:1"] = _facts(engine=("missing", "no espeak"))
    with pytest.raises(EngineUnavailable, match="no worker .* has the pyttsx3 engine"):
        cluster.workers_for([SPEC], facts, "tcp://s:1")


def test_a_worker_with_another_engine_version_stops_the_run(monkeypatch):
    monkeypatch.setattr(cluster, "engine_cache_id", lambda spec: "espeak-1")
    with pytest.raises(ClusterError, match=r"tcp://b:2 speaks pyttsx3 as 'espeak-2'.*'espeak-1'"):
        cluster.workers_for([SPEC], {"tcp://a:1": _facts(), "tcp://b:2": _facts(engine=("ok", "espeak-2"))}, "x")


def test_without_the_extra_the_error_names_the_install_command(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    with pytest.raises(ClusterError, match=r"pip install 'audiobrief\[cluster\]'"):
        cluster.Cluster("tcp://127.0.0.1:8786")


def test_the_scheduler_setting_is_checked_and_changes_no_stamp(tmp_path):
    (tmp_path / "audiobrief.toml").write_text('[cluster]\nscheduler = "tcp://10.0.0.5:8786"\n')
    config = load_config(tmp_path / "audiobrief.toml")
    assert config.scheduler == "tcp://10.0.0.5:8786"
    assert repr(config) == repr(Config(root=config.root))  # where the work runs decides no bytes
    with pytest.raises(ConfigError, match="not a Dask scheduler address"):
        Config().with_overrides(scheduler="http://x/y")


@pytest.mark.parametrize("address", ["tcp://[::1]:8786", "[fd00::5]", "10.0.0.5", "tls://sched.example:9000"])
def test_the_scheduler_setting_takes_what_the_flag_takes(tmp_path, address):
    """The file's setting is judged by the same rule as --scheduler: IPv6 in brackets too."""
    (tmp_path / "audiobrief.toml").write_text(f'[cluster]\nscheduler = "{address}"\n')
    assert load_config(tmp_path / "audiobrief.toml").scheduler == address


@pytest.mark.parametrize("address, why", [("tcp://::1:8786", "brackets"), ("tcp://[zz::1]:8786", "not an IPv6"),
                                          ("host:70000", "out of range"), ("http://x/y", "Dask's schemes")])
def test_a_bad_scheduler_setting_says_what_is_wrong(tmp_path, address, why):
    (tmp_path / "audiobrief.toml").write_text(f'[cluster]\nscheduler = "{address}"\n')
    with pytest.raises(ConfigError, match=r"\[cluster\] scheduler: .*not a Dask scheduler address") as caught:
        load_config(tmp_path / "audiobrief.toml")
    assert why in str(caught.value)


def _wav(path: Path, seconds: float = 1.5) -> Path:
    import numpy as np
    import soundfile

    t = np.arange(int(22050 * seconds)) / 22050
    soundfile.write(path, 0.3 * np.sin(2 * np.pi * 220 * t) * np.sin(np.pi * t / seconds), 22050, subtype="PCM_16")
    return path


def test_a_block_step_run_from_bytes_gives_what_the_local_step_gives(tmp_path):
    """The remote wrapper runs the same step in a folder of its own: same MP3 bytes, same facts;
    stored by ``segments.keep``, a local run then finds it in the cache."""
    clip = _wav(tmp_path / "clip.wav")
    block = Block((Part("silence", 2205), Part("clip", 33075, str(clip)), Part("sound", 100, "sting"),
                   Part("silence", 2205)), 22050, sound_id="sting-1")
    local = segments.encode(block, 44100, 64, -3.0, -1.5, str(tmp_path / "here"))
    packed, files = remote.pack_block(block)
    assert list(files.values()) == [clip.read_bytes()] and str(tmp_path) not in repr(packed)
    result, mp3 = remote.run_block_step(segments.encode, packed, (44100, 64, -3.0, -1.5, "ignored"), block.key, files)
    assert mp3 == Path(local["path"]).read_bytes()
    args = (block, 44100, 64, -3.0, -1.5, str(tmp_path / "client"))
    assert not segments.cached(segments.encode, args)
    kept = segments.keep(segments.encode, args, result, mp3)
    assert segments.cached(segments.encode, args) and kept["key"] == local["key"]
    assert {k: v for k, v in kept.items() if k != "path"} == {k: v for k, v in local.items() if k != "path"}
    powers, _ = remote.run_block_step(segments.measure, packed, (44100, "ignored"), block.key, files)
    assert powers == segments.measure(block, 44100, str(tmp_path / "here"))


def test_clips_spoken_elsewhere_are_checked_before_they_are_kept(tmp_path):
    from audiobrief.cache import seal_wav
    from audiobrief.engines import SynthJob
    from audiobrief.errors import SynthesisError

    made = _wav(tmp_path / "made.wav")
    seal_wav(made)
    job = SynthJob("Hello.", str(tmp_path / "cache" / "ab" / "clip.wav"), "the intro")
    assert remote.keep_clips([job], [made.read_bytes()]) == 1
    assert Path(job.wav_path).read_bytes() == made.read_bytes()
    with pytest.raises(SynthesisError, match="the intro: the clip a cluster worker spoke arrived damaged"):
        remote.keep_clips([job], [made.read_bytes()[:-10]])


@pytest.mark.parametrize("given, address", [
    ("tcp://[::1]:8786", "tcp://[::1]:8786"),
    ("[::1]:8786", "tcp://[::1]:8786"),
    ("[fd00::5]", "tcp://[fd00::5]:8786"),
    ("tcp://10.0.0.5:8786", "tcp://10.0.0.5:8786"),
    ("10.0.0.5", "tcp://10.0.0.5:8786"),
    ("TLS://dask.example.org:9000", "tls://dask.example.org:9000"),
    (" scheduler:8786 ", "tcp://scheduler:8786"),
])
def test_scheduler_addresses_ipv6_in_brackets_included_are_taken(given, address):
    assert cluster_address.scheduler_address(given) == address


@pytest.mark.parametrize("given, why", [
    ("::1:8786", "put an IPv6 address in brackets"),
    ("tcp://[not:an:address]:8786", r"\[not:an:address\] is not an IPv6 address"),
    ("http://10.0.0.5:8786", "'http' is not one of Dask's schemes"),
    ("tcp://10.0.0.5:8786/path", "give HOST or HOST:PORT"),
    ("tcp://10.0.0.5:70000", "port 70000 is out of range"),
    ("tcp://", "give HOST or HOST:PORT"),
])
def test_a_bad_scheduler_address_says_what_is_wrong_and_what_would_do(given, why):
    with pytest.raises(ConfigError, match=why) as err:
        cluster_address.scheduler_address(given, "[cluster] scheduler")
    assert str(err.value).startswith("[cluster] scheduler: ") and "tcp://[fd00::5]:8786" in str(err.value)


class _Done:
    """A Dask future already finished, as far as ``ClusterExecutor`` looks at one."""

    def __init__(self, key: str, value) -> None:
        self.key, self.value = key, value

    def result(self, timeout=None):
        return self.value


class _Cluster:
    """Runs each task at once, handing finished futures' values to the tasks that take them,
    and remembers which functions its tasks ran."""

    status = "running"

    def __init__(self) -> None:
        self.ran: list = []

    def get_executor(self, **kwargs):
        return self

    def submit(self, fn, *args, key: str, **kwargs):
        self.ran.append(fn)
        return _Done(key, fn(*(a.value if isinstance(a, _Done) else a for a in args)))

    def shutdown(self, wait: bool = True) -> None:
        pass


def test_a_batch_is_one_task_for_its_blocks_and_cache_hits_are_read_here(tmp_path):
    """Two blocks' encodes travel as one task (after one task with both blocks' files), the
    block already in our cache is not sent, and each call gets what the local step gives."""
    blocks = [Block((Part("silence", 2205), Part("clip", 33075 + 100 * n, str(_wav(tmp_path / f"c{n}.wav")))),
                    22050) for n in range(3)]
    here, client = str(tmp_path / "here"), str(tmp_path / "client")
    local = [segments.encode(b, 44100, 64, -3.0, -1.5, here) for b in blocks]
    segments.encode(blocks[2], 44100, 64, -3.0, -1.5, client)
    fake = _Cluster()
    executor = cluster.ClusterExecutor(fake, "tcp://test:8786", ["w"], 4)
    try:
        futures = executor.submit_batch([(segments.encode, (b, 44100, 64, -3.0, -1.5, client)) for b in blocks])
        results = [f.result(timeout=60) for f in futures]
    finally:
        executor.shutdown()
    assert fake.ran == [remote.held, remote.run_block_steps]
    for mine, theirs in zip(results, local):
        assert Path(mine["path"]).read_bytes() == Path(theirs["path"]).read_bytes()
        assert mine["key"] == theirs["key"] and mine["powers"] == theirs["powers"]
    assert [r["made"] for r in results] == [True, True, False]


def test_a_worker_process_is_set_up_once_with_one_blas_thread_and_steady_malloc():
    """``worker_process.prepare`` in a process of its own (it changes process-wide settings):
    NumPy's BLAS pool cut to one thread, glibc's mmap/trim thresholds set, done once."""
    code = textwrap.dedent("""
        import json, os
        import numpy
        from threadpoolctl import threadpool_info
        from audiobrief import remote, worker_process
        before = [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"]
        first = worker_process.prepare()
        assert remote.speak_all([]) == [] and worker_process.prepare.cache_info().hits == 1
        after = [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"]
        print(json.dumps({"before": before, "after": after, "done": first,
                          "glibc": bool(os.confstr("CS_GNU_LIBC_VERSION"))}))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, "OPENBLAS_NUM_THREADS": "2"})
    assert out.returncode == 0, out.stderr
    facts = json.loads(out.stdout)
    assert facts["before"] and all(n == 2 for n in facts["before"])  # the pool was there to be cut
    assert facts["after"] == [1] * len(facts["before"])
    assert facts["done"] == {"blas_threads": 1, "malloc": facts["glibc"]}


def test_a_workers_block_files_are_written_once_and_the_oldest_let_go(tmp_path, monkeypatch):
    """A block's three steps on one worker read one folder; past the byte limit the least
    recently used blocks' folders are removed."""
    monkeypatch.setattr(remote.tempfile, "tempdir", str(tmp_path))
    store = remote._Unpacked(limit=10)
    first = store.folder("a", {"0-clip.wav": b"123456"})
    assert store.folder("a", {"0-clip.wav": b"123456"}) == first and (first / "0-clip.wav").read_bytes() == b"123456"
    second = store.folder("b", {"0-clip.wav": b"7890"})
    assert first.is_dir() and second.is_dir()  # 10 bytes held: at the limit, nothing goes
    store.folder("a", {})  # used again: "b" is now the oldest
    third = store.folder("c", {"0-clip.wav": b"xyz"})
    assert not second.exists() and first.is_dir() and third.is_dir()
    assert store.held == 9 and list(store.folders) == ["a", "c"]
