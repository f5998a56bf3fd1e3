#!/usr/bin/python3
"""Opens report.html pages in headless Chromium and checks what a reader would see.

For each page: the rendered DOM (--dump-dom) must carry the page's own rendering check
(<p id="selfcheck" data-status="ok">: every svg.figure has a non-zero size and draws something,
every table has its rows) with as many figures and tables as the HTML source holds, no script
error or console error may be reported (the page records them, and Chromium's log is read too),
and the text may not show NaN. A screenshot is saved beside the DOM dump.

Usage:
  check_report.py --nhb2 NHB2 --out DIR CONFIG.yaml...   sweep each config into DIR/<name>, check
  check_report.py --nhb2 NHB2 --out DIR --expect-failure CONFIG.yaml
      the same, on a copy of each report with three faults put in (a figure of zero size, a table
      without its rows, a script error): the check passes only when it catches all three
Exit 0 on success, 1 on a failed check, 77 (skipped) when Chromium is not installed.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import time

parser = argparse.ArgumentParser()
parser.add_argument("--nhb2")
parser.add_argument("--out", required=True)
parser.add_argument("--expect-failure", action="store_true")
parser.add_argument("inputs", nargs="+")
args = parser.parse_args()

chromium = os.environ.get("NHB2_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
if not os.path.exists(chromium):
    print("SKIPPED: Chromium is not installed (Debian package 'chromium', "
          "scripts/install-deps.sh); the report was not checked in a browser")
    sys.exit(77)

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
         "--disable-dev-shm-usage", "--hide-scrollbars", "--virtual-time-budget=5000",
         "--window-size=1280,1600", "--enable-logging=stderr", "--v=0"]


def chromium_run(extra, page, profile):
    command = [chromium, *FLAGS, f"--user-data-dir={profile}", *extra, "file://" + page]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def check_page(page, out_dir):
    """Returns the list of problems found on one page."""
    os.makedirs(out_dir, exist_ok=True)
    page = os.path.abspath(page)
    profile = os.path.join(out_dir, "chromium-profile")
    source = open(page, encoding="utf-8").read()
    started = time.monotonic()
    shot = os.path.join(out_dir, "report.png")
    if os.path.exists(shot):
        os.remove(shot)
    dom_run = chromium_run(["--dump-dom", f"--screenshot={shot}"], page, profile)
    elapsed = time.monotonic() - started
    dom = dom_run.stdout
    with open(os.path.join(out_dir, "report.dom.html"), "w", encoding="utf-8") as f:
        f.write(dom)
    problems = []
    if dom_run.returncode != 0 or not dom:
        problems.append(f"chromium exited {dom_run.returncode}: {dom_run.stderr[-500:]}")
    match = re.search(r'<p id="selfcheck"([^>]*)>(.*?)</p>', dom, re.S)
    if not match:
        problems.append("no rendering check in the rendered DOM")
    else:
        attributes, text = match.group(1), match.group(2)
        status = re.search(r'data-status="([^"]*)"', attributes)
        if not status or status.group(1) != "ok":
            problems.append(f"rendering check: {text.strip()}")
        want_figures = len(re.findall(r'<svg class="figure', source))
        want_tables = len(re.findall(r"<table", source))
        load_ms = re.search(r'data-load-ms="(\d+)"', attributes)
        if load_ms:
            print(f"{page}: load event after {load_ms.group(1)} ms")
        figures = re.search(r'data-figures="(\d+)"', attributes)
        tables = re.search(r'data-tables="(\d+)"', attributes)
        if not figures or int(figures.group(1)) != want_figures or want_figures == 0:
            problems.append(f"figures rendered: {figures and figures.group(1)}, in the source: "
                            f"{want_figures}")
        if not tables or int(tables.group(1)) != want_tables or want_tables == 0:
            problems.append(f"tables rendered: {tables and tables.group(1)}, in the source: "
                            f"{want_tables}")
    for line in dom_run.stderr.splitlines():
        if "CONSOLE" in line or "Uncaught" in line:
            problems.append("console: " + line.strip())
    visible = re.sub(r"<[^>]*>", " ", dom)
    if re.search(r"\b(nan|NaN|-?inf)\b", visible):
        problems.append("the page shows NaN or inf")
    if not os.path.exists(shot) or os.path.getsize(shot) == 0:
        problems.append("no screenshot")
    print(f"{page}: {len(problems)} problems; {elapsed:.1f} s in Chromium; DOM and screenshot "
          f"in {out_dir}")
    return problems


def break_page(page):
    """A copy of the page with a zero-size figure, a table without rows and a script error."""
    html = open(page, encoding="utf-8").read()
    html = html.replace('<svg class="figure"', '<svg class="figure" style="width:0;height:0"', 1)
    html = re.sub(r"(<table[^>]*>.*?<tbody>).*?(</tbody>)", r"\1\2", html, count=1, flags=re.S)
    html = html.replace("</body>", "<script>thisFunctionDoesNotExist();</script></body>", 1)
    broken = page.replace("report.html", "broken-report.html")
    open(broken, "w", encoding="utf-8").write(html)
    return broken


if not args.nhb2:
    parser.error("--nhb2 is required")
pages = []
for config in args.inputs:
    name = os.path.splitext(os.path.basename(config))[0]
    folder = os.path.join(args.out, name)
    shutil.rmtree(folder, ignore_errors=True)
    subprocess.run([args.nhb2, "sweep", config, "--out", folder, "--quiet", "--no-plots"],
                   check=True, stdout=subprocess.DEVNULL)
    page = os.path.join(folder, "report.html")
    if args.expect_failure:
        page = break_page(page)
    pages.append((page, os.path.join(args.out, name + ("-broken" if args.expect_failure else "")
                                      + "-browser")))

failed = False
for page, out_dir in pages:
    problems = check_page(page, out_dir)
    for problem in problems:
        print("  " + problem)
    if args.expect_failure:
        # A broken page must be caught on each of its faults: a figure of zero size, a table
        # without rows, a script error.
        wanted = ["too small", "rows, expected", "thisFunctionDoesNotExist"]
        missing = [w for w in wanted if not any(w in p for p in problems)]
        if missing:
            print(f"  NOT CAUGHT: {missing}")
            failed = True
    elif problems:
        failed = True
print("FAIL" if failed else "OK")
sys.exit(1 if failed else 0)
