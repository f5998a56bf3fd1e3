#!/usr/bin/env python3
"""Rewrites the example documents of docs/json.md from the binary's own output.

Each ```sh block holding an `nhb2 ...` command line (possibly a pipeline through jq) that is
followed by a ```json block gets that block replaced by what the command line prints, run by bash
with `nhb2` standing for the binary. The test "the examples of docs/json.md
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
    command = match.group(1)
    if not command.startswith("nhb2 "):
        return match.group(0)
    script = "set -o pipefail\nnhb2() { " + shlex.quote(binary) + ' "$@"; }\n' + command + "\n"
    out = subprocess.run(["bash", "-c", script], check=True, capture_output=True, text=True,
                         cwd=root).stdout
    return "```sh\n" + command + "\n```\n\n```json\n" + out.rstrip("\n") + "\n```"


pattern = re.compile(r"```sh\n((?:(?!```).)*?)\n```\n\n```json\n(.*?)\n```", re.S)
doc_path.write_text(pattern.sub(replace, doc))
