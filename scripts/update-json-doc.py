#!/usr/bin/env python3
"""Rewrites the example documents of docs/json.md from the binary's own output.

Each ```sh block holding a single `nhb2 ...` command (no pipe) is followed by a ```json block;
that block is replaced by what `build/nhb2 ...` prints. The test "the examples of docs/json.md
are what the binary prints" fails until this is run after a change of the output.
Usage: scripts/update-json-doc.py [path/to/nhb2]   (default: build/nhb2)
"""
import pathlib
import re
import shlex
import subprocess
import sys

root = pathlib.Path(__file__).resolve().parent.parent
binary = sys.argv[1] if len(sys.argv) > 1 else str(root / "build" / "nhb2")
doc_path = root / "docs" / "json.md"
doc = doc_path.read_text()


def replace(match):
    command, between, old = match.group(1), match.group(2), match.group(3)
    if not command.startswith("nhb2 ") or " | " in command:
        return match.group(0)
    out = subprocess.run([binary] + shlex.split(command)[1:], check=True, capture_output=True,
                         text=True, cwd=root).stdout
    return "```sh\n" + command + "\n```" + between + "```json\n" + out.rstrip("\n") + "\n```"


pattern = re.compile(r"```sh\n([^\n]*)\n```(\s*)```json\n(.*?)\n```", re.S)
doc_path.write_text(pattern.sub(replace, doc))
