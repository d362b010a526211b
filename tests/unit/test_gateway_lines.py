"""The emulator's whole-line output: concurrent handlers' log lines never cut into each other."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

from devtools.gateway.lines import LineWriter


def test_lines_printed_by_many_threads_at_once_arrive_whole(tmp_path: Path) -> None:
    # Given one log file shared by a stdout and a stderr writer, as in the emulator's process
    path = tmp_path / "gateway.log"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    out, err = LineWriter(fd), LineWriter(fd)
    barrier = threading.Barrier(8)

    def handler(n: int) -> None:
        barrier.wait()
        for i in range(200):
            # print() writes the text and the newline separately, like Powertools' metrics flush
            print(json.dumps({"thread": n, "i": i, "pad": "x" * 300}), file=out if n % 2 else err)

    # When eight threads print two hundred JSON lines each at the same moment
    threads = [threading.Thread(target=handler, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    os.close(fd)

    # Then every line in the file is one whole JSON object, and none is missing
    lines = path.read_text().splitlines()
    assert len(lines) == 1600
    assert sorted((r["thread"], r["i"]) for r in map(json.loads, lines)) == [
        (n, i) for n in range(8) for i in range(200)
    ]


def test_a_line_written_in_pieces_is_held_until_its_newline(tmp_path: Path) -> None:
    # Given a writer on a file
    path = tmp_path / "out.log"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT)
    writer = LineWriter(fd)

    # When a line is written in two pieces
    writer.write('{"a": ')
    partial = path.read_text()
    writer.write("1}\n")
    os.close(fd)

    # Then nothing reaches the file until the line is complete
    assert partial == ""
    assert path.read_text() == '{"a": 1}\n'
