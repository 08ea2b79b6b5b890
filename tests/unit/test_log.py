"""Log messages: `logging` is loaded only for a message to be written."""

from __future__ import annotations

import subprocess
import sys


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=True
    )


def test_messages_below_the_level_load_nothing_and_show_nothing() -> None:
    result = _run(
        "import sys, generator.log as log\n"
        "log.configure(log.WARNING)\n"
        "note = log.get_log('generator.test')\n"
        "note.debug('a %s', 'detail'); note.info('a %s', 'step')\n"
        "print('logging' in sys.modules, note.enabled(log.INFO))\n"
    )

    assert result.stdout == "False False\n"
    assert result.stderr == ""


def test_a_message_at_the_level_is_written_in_the_command_lines_format() -> None:
    result = _run(
        "import sys, generator.log as log\n"
        "log.configure(log.INFO)\n"
        "note = log.get_log('generator.test')\n"
        "note.debug('hidden'); note.info('built %s districts', 3); note.warning('careful')\n"
        "print(note.enabled(log.INFO), note.enabled(log.DEBUG))\n"
    )

    assert result.stdout == "True False\n"
    assert (
        result.stderr == "INFO generator.test: built 3 districts\nWARNING generator.test: careful\n"
    )


def test_once_logging_is_loaded_every_message_goes_through_it() -> None:
    # Used as a library, or beside code that configures logging itself: logging decides.
    result = _run(
        "import logging, sys\n"
        "logging.basicConfig(level=logging.DEBUG, format='%(levelname)s:%(message)s')\n"
        "import generator.log as log\n"
        "log.get_log('generator.test').debug('shown by %s', 'logging')\n"
    )

    assert result.stderr == "DEBUG:shown by logging\n"


def test_a_record_names_the_line_that_wrote_the_message() -> None:
    result = _run(
        "import logging\n"
        "logging.basicConfig(level=logging.INFO, format='%(funcName)s:%(lineno)d %(message)s')\n"
        "import generator.log as log\n"
        "def build():\n"
        "    log.get_log('generator.test').warning('here')\n"
        "build()\n"
    )

    assert result.stderr == "build:5 here\n"
