"""Speak, render and publish the episodes that changed, overlapping the three.

Each episode is a generator of steps (``render.episode_steps``) that
``pipeline.run`` drives through one executor: threads for most work, spawned
processes for very long episodes (to keep the peak memory low). Speech runs
either inside those steps (one short article) or beside them in worker
processes (``speaking.Speaker``). Episodes are published as they finish, but
always in input order, so slugs and numbers never depend on timing.
"""

from __future__ import annotations

from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Optional

from audiobrief import memos
from audiobrief.cluster import Cluster
from audiobrief.config import BUILT_IN_TRANSITIONS, Config
from audiobrief.cover import check_cover
from audiobrief.errors import AudiobriefError
from audiobrief.lock import publish_lock
from audiobrief.mix import load_sound
from audiobrief.pipeline import default_jobs, make_executor, run
from audiobrief.planning import Work, check_length
from audiobrief.publish.episode import publish_episode
from audiobrief.render import episode_steps
from audiobrief.report import BuildReport, Failure, Progress
from audiobrief.speaking import Speaker, check_texts, speech_workers

def check_settings_files(config: Config) -> None:
    """Read every file the settings name (sounds, cover) so a bad one fails before anything is spoken."""
    sounds = [(config.music, "music bed")] if config.music else []
    if config.transition not in BUILT_IN_TRANSITIONS:
        sounds.insert(0, (config.transition, "transition sound"))
    for name, what in sounds:
        load_sound(config.resolve(name), 22050, what)
    if config.cover:  # the generated cover needs no check
        check_cover(config.resolve(config.cover))


#: an episode of this many words (about half an hour of speech) or more is encoded
#: in worker processes rather than threads, to keep the peak memory of long work low
PROCESS_RENDER_WORDS = 5000


def produce(works: dict[int, Work], config: Config, profile, out_dir: Path, cache_root: Path,
            workers: Optional[int], progress: Progress, report: BuildReport, cluster: Optional[Cluster] = None) -> None:
    """Speak, render and publish every article in ``works`` (index in the input -> Work).

    ``workers``: ``--jobs`` (None: one per CPU; speech then gets worker processes only
    where they pay, see ``speaking.speech_workers``). ``cluster``: speak, measure and
    encode on its workers instead (each section's clips are spoken in its render steps)."""
    jobs = workers or default_jobs()
    speakers = 0 if cluster is not None else speech_workers(works, jobs, asked=workers is not None)
    if not speakers:
        check_texts(works)
    gains = memos.Gains(cache_root)
    steps = {index: _steps(work, config, profile, cache_root, gains, spoken_apart=bool(speakers))
             for index, work in works.items()}
    for index, work in works.items():
        blocks = len(work.planned.article.sections) + 2
        progress.begin(str(index), work.planned.article.title,
                       (0 if speakers else sum(len(j) for _, j in work.missing)) + 4 * blocks)
    progress.begin("all", f"{len(works)} episode(s)" + (f" on {cluster.address}" if cluster else ""), len(works))
    longest = max(sum(len(p.text.split()) for p in w.planned.script) for w in works.values())
    if cluster is not None:  # checks every worker's engines before any work
        executor = cluster.executor(spec for w in works.values() for spec, _ in w.missing)
    else:
        executor = make_executor(jobs, processes=longest >= PROCESS_RENDER_WORDS)
    publisher = InOrder(works, config, profile, out_dir, gains, progress, report)
    speaker = None
    try:
        on_step = lambda index, n: progress.step(str(index), n)  # noqa: E731
        if speakers:
            speaker = Speaker(works, speakers, progress, steps)
            run({}, executor, on_step=on_step, on_done=publisher.done, arrivals=speaker.arrivals)
        else:
            run(steps, executor, on_step=on_step, on_done=publisher.done)
    finally:
        if speaker is not None:
            speaker.cancel()
        executor.shutdown(wait=True, cancel_futures=True)
    progress.end("all")
    with publish_lock(out_dir):
        memos.record_feed(report.feed, memos.feed_stamp(config, out_dir / "episodes.json"))
        gains.save()
    report.feed_written = True
    if speaker is not None:
        speaker.raise_failure()
    if cluster is not None:  # one error for the run, not one per episode it left unfinished
        executor.raise_if_lost()


def _steps(work: Work, config: Config, profile, cache_root: Path, gains: memos.Gains, spoken_apart: bool):
    """The episode's render steps; they speak its missing clips too, unless speech workers do."""
    article = work.planned.article
    return episode_steps(work.planned.script, work.clips, article, [] if spoken_apart else work.missing,
                         config, profile, cache_root,
                         lambda seconds: check_length(seconds, article, profile, config),
                         gains.last(work.where, profile.name))


class InOrder:
    """Publishes finished episodes in input order (an episode that finishes early waits for
    those before it), and records each one's outcome in the report."""

    def __init__(self, works: dict, config: Config, profile, out_dir: Path, gains: memos.Gains,
                 progress: Progress, report: BuildReport) -> None:
        self.works, self.config, self.profile, self.out_dir = works, config, profile, out_dir
        self.gains, self.progress, self.report = gains, progress, report
        self.order = sorted(works)
        self.finished: dict = {}

    def done(self, index, rendered, error) -> None:
        self.finished[index] = (rendered, error)
        while self.order and self.order[0] in self.finished:
            first = self.order.pop(0)
            self.publish(first, *self.finished.pop(first))

    def publish(self, index, rendered, error) -> None:
        work, report = self.works[index], self.report
        try:
            if error is not None:
                raise error
            self.gains.record(work.where, self.profile.name, rendered.levels)
            report.segments_encoded += rendered.segments_made
            report.segments_cached += len(rendered.segments) - rendered.segments_made
            report.episodes.append(publish_episode(
                work.planned.article, rendered, self.config, self.out_dir, source=work.source,
                build_key=work.build_key, profile=self.profile.name, warnings=report.warnings))
            self.progress.end(str(index), "done")
        except AudiobriefError as exc:
            report.failures.append(Failure(work.planned.article.source, str(exc), exc.exit_code))
            self.progress.end(str(index), "failed")
        except BrokenProcessPool:
            report.failures.append(Failure(work.planned.article.source,
                                           f"{work.planned.article.source}: a worker process died; "
                                           "run again, or with --jobs 1 to see the engine's own error", 3))
            self.progress.end(str(index), "failed")
        self.progress.step("all")
