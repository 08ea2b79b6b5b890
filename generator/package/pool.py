"""Checking and building districts spread over worker processes.

Each worker keeps the districts it checked and builds those of them that were selected, so no
parsed document ever crosses a pipe: workers receive names and the secret references of the
whole project, and send back findings and small outcome records. (multiprocessing takes longer
to load than a small build takes to run: it is loaded only for a build that has workers.)
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
import time
import traceback
from collections.abc import Iterator, Sequence
from multiprocessing.connection import Connection, wait
from typing import Any

from generator.findings import Finding
from generator.log import get_log
from generator.package.atomic import flush_all
from generator.package.district import build_district
from generator.package.incremental import DigestCache
from generator.package.outcome import BuildSettings, DistrictOutcome
from generator.package.secrets_scan import ProjectSecrets
from generator.package.stages import ProjectLike, Stages
from generator.package.workers import Checked, Runner, WorkerFailed, check_districts

log = get_log(__name__)

_BATCH_SECONDS = 0.1


class WorkerPool(Runner):
    """Checks and builds districts in `jobs` worker processes.

    Where processes fork, workers start with the project this process opened; elsewhere each
    opens it again. Districts are dealt out in turn, the selected ones first, so that each
    worker gets a fair share of the building as well as of the checking.
    """

    def __init__(
        self,
        project: ProjectLike,
        stages: Stages,
        settings: BuildSettings,
        names: Sequence[str],
        selected: Sequence[str],
        jobs: int,
    ) -> None:
        super().__init__(project, stages, settings, names, selected)
        chosen = set(selected)
        order = [*selected, *(name for name in names if name not in chosen)]
        forking = "fork" in multiprocessing.get_all_start_methods()
        context = (
            multiprocessing.get_context("fork") if forking else multiprocessing.get_context("spawn")
        )
        inherited = project if forking else None
        self.connections: list[Connection] = []
        self.processes: list[Any] = []
        try:
            for index in range(jobs):
                dealt = order[index::jobs]
                builds = sorted(name for name in dealt if name in chosen)
                ours, theirs = context.Pipe()
                process = context.Process(
                    target=_worker_main,
                    args=(
                        theirs,
                        os.getpid(),
                        inherited,
                        project.root,
                        stages,
                        settings,
                        sorted(dealt),
                        builds,
                    ),
                    name=f"psplugin-build-{index + 1}",
                    daemon=True,
                )
                process.start()
                theirs.close()
                self.connections.append(ours)
                self.processes.append(process)
        except BaseException:
            self.close()
            raise

    def check(self) -> list[Finding]:
        checked = Checked()
        for connection in self.connections:
            message = self._receive(connection)
            if message[0] != "checked":
                raise WorkerFailed(f"a build worker answered {message[0]!r} while checking")
            checked.add(message[1])
        self._checked(checked)
        return checked.findings

    def build(self) -> Iterator[DistrictOutcome]:
        for connection in self.connections:
            connection.send(("build", self.references))
        pending = list(self.connections)
        while pending:
            for ready in wait(pending):
                assert isinstance(ready, Connection)
                message = self._receive(ready)
                if message[0] == "built":
                    yield from message[1]
                elif message[0] == "done":
                    pending.remove(ready)

    def close(self) -> None:
        """Stop the workers: one still building finds its pipe closed after its current
        district, and stops."""
        connections, self.connections = self.connections, []
        processes, self.processes = self.processes, []
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.send(("stop",))
            connection.close()
        for process in processes:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
                process.join()

    @staticmethod
    def _receive(connection: Connection) -> tuple[Any, ...]:
        try:
            message: tuple[Any, ...] = connection.recv()
        except (EOFError, OSError):
            raise WorkerFailed("a build worker stopped unexpectedly") from None
        if message[0] == "failed":
            log.debug("in the build worker:\n%s", message[2])
            raise WorkerFailed(f"a build worker failed: {message[1]}")
        return message


def _worker_main(
    connection: Connection,
    parent: int,
    project: ProjectLike | None,
    root: Any,
    stages: Stages,
    settings: BuildSettings,
    names: list[str],
    builds: list[str],
) -> None:
    _die_with_parent(parent)
    try:
        # Ctrl-C reaches every process of the terminal's group: the parent handles it.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        if project is None:
            project = stages.open_project(root)
        connection.send(("checked", check_districts(project, stages, names)))
        order = connection.recv()
        if order[0] != "build":
            return
        secrets = ProjectSecrets(order[1], project.resolve_secret)
        cache = DigestCache(project.file_digests())
        built = False
        batch: list[DistrictOutcome] = []
        sent = time.monotonic()
        for name in builds:
            outcome = build_district(project, name, stages, settings, cache, secrets)
            built = built or outcome.status == "built"
            batch.append(outcome)
            # Outcomes go back in batches, a few times a second: a message per district would
            # wake the parent a thousand times, and it would take CPU time from the workers.
            if time.monotonic() - sent >= _BATCH_SECONDS:
                connection.send(("built", batch))
                batch, sent = [], time.monotonic()
        if batch:
            connection.send(("built", batch))
        if built:
            # Each worker flushes what it wrote once its share is done, while the others may
            # still be building, instead of the parent flushing everything at the end.
            flush_all()
        connection.send(("done",))
    except (EOFError, BrokenPipeError):
        pass  # the parent is gone or stopped the build: nothing is left to report to
    except BaseException as error:  # everything goes back to the parent
        with contextlib.suppress(OSError):
            summary = f"{type(error).__name__}: {error}"
            connection.send(("failed", summary, traceback.format_exc()))
    finally:
        connection.close()


def _die_with_parent(parent: int) -> None:
    # A worker must not go on writing into dist/ once the build it belongs to was killed (the
    # next build would find the folder unlocked): on Linux the kernel ends it with its parent.
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)  # the parent died before the request was in place
