"""One benchmark build in a fresh process: `python bench/child.py JOB.json`.

Reads the job (Pelican settings overrides, whether to add the naive plugin, whether to
profile), runs Pelican in this process, and writes a JSON result: wall seconds of the build
(settings read + Pelican run, interpreter start-up excluded) and the peak RSS of this process.
"""

from __future__ import annotations

import collections
import json
import logging
import os
import resource
import sys
import threading
import time
from typing import Any


class ThreadSampler:
    """Samples the stacks of every thread (pyinstrument only sees the main thread).

    Wall-clock sampling: a thread waiting on a socket or a lock counts where it waits.
    """

    def __init__(self, interval: float = 0.002):
        self.interval = interval
        self.samples: dict[str, int] = collections.Counter()
        self.self_time: dict[str, collections.Counter] = collections.defaultdict(
            collections.Counter
        )
        self.inclusive: dict[str, collections.Counter] = collections.defaultdict(
            collections.Counter
        )
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bench-sampler", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        me = threading.get_ident()
        while not self._stop.wait(self.interval):
            names = {thread.ident: thread.name for thread in threading.enumerate()}
            for ident, frame in sys._current_frames().items():
                if ident == me:
                    continue
                name = names.get(ident, "?")
                group = "main" if name == "MainThread" else name.rstrip("0123456789_")
                self.samples[group] += 1
                self.self_time[group][_where(frame)] += 1
                seen = set()
                while frame is not None:
                    where = _where(frame)
                    if where not in seen:
                        seen.add(where)
                        self.inclusive[group][where] += 1
                    frame = frame.f_back

    def report(self, top: int = 25) -> str:
        lines = [
            "Wall-clock stack samples of every thread, by thread group; shares are of that "
            "group's samples (a waiting thread counts where it waits).",
        ]
        for group, total in sorted(self.samples.items(), key=lambda item: -item[1]):
            lines.append(f"\n== {group}: {total} samples ==")
            for title, counter in (("self", self.self_time), ("inclusive", self.inclusive)):
                lines.append(f"-- top {top} by {title} time")
                for where, count in counter[group].most_common(top):
                    lines.append(f"{100 * count / total:6.1f}%  {where}")
        return "\n".join(lines) + "\n"


def _where(frame: Any) -> str:
    code = frame.f_code
    path = code.co_filename
    for marker in ("site-packages" + os.sep, "lib" + os.sep + "python3"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    else:
        path = path.split(os.sep + "plugin" + os.sep, 1)[-1]
    return f"{code.co_qualname} ({path}:{code.co_firstlineno})"


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as file:
        job = json.load(file)
    os.environ.pop("AVATAR_OFFLINE", None)
    # Pelican's CLI would set up its own logging; give warnings a level name to count them by.
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    from pelican import Pelican
    from pelican.settings import read_settings

    overrides = dict(job["settings"])
    if job.get("naive"):
        import naive_avatars

        overrides["PLUGINS"] = [*overrides.get("PLUGINS", []), naive_avatars]

    profile = job.get("profile")
    profiler = sampler = None
    if profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.001)
        sampler = ThreadSampler()
        sampler.start()
        profiler.start()

    started = time.perf_counter()
    settings = read_settings(path=None, override=overrides)
    Pelican(settings).run()
    wall = time.perf_counter() - started

    if profiler is not None and sampler is not None:
        profiler.stop()
        sampler.stop()
        with open(profile["html"], "w", encoding="utf-8") as file:
            file.write(profiler.output_html())
        with open(profile["txt"], "w", encoding="utf-8") as file:
            file.write(profiler.output_text(unicode=True, color=False, show_all=False))
        with open(profile["threads"], "w", encoding="utf-8") as file:
            file.write(sampler.report())

    result = {
        "wall": wall,
        "maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "cpu": sum(resource.getrusage(resource.RUSAGE_SELF)[:2]),
        "threads_left": [t.name for t in threading.enumerate() if t is not threading.main_thread()],
    }
    if job.get("naive"):
        import naive_avatars

        result["naive"] = dict(naive_avatars.STATS)
    with open(job["result"], "w", encoding="utf-8") as file:
        json.dump(result, file)


if __name__ == "__main__":
    main()
