#!/usr/bin/env python3
"""Checks docs/reference against a live database with Confiture installed.

Every function of schema `confiture` needs a page docs/reference/<name>.md, and the first
```sql block under a page's "## Example" heading must print, through psql, exactly the block
that follows it (trailing spaces aside). Prints one "... ok" / "... FAILED" line per check.
Connection settings come from the usual PG* environment variables; the database is argv[1].
"""
import pathlib
import re
import subprocess
import sys

REFERENCE = pathlib.Path(__file__).resolve().parent.parent / "docs" / "reference"


def psql(database, sql):
    result = subprocess.run(
        ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", database, "-f", "-"],
        input=sql, capture_output=True, text=True,
    )
    return result.returncode, result.stdout + result.stderr


def normalized(text):
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


def check_example(database, page):
    text = page.read_text()
    if "## Example" not in text:
        return "no '## Example' section"
    blocks = re.findall(r"```(\w*)\n(.*?)```", text.split("## Example", 1)[1], re.S)
    if len(blocks) < 2 or blocks[0][0] != "sql":
        return "the example needs a ```sql block followed by its output"
    status, output = psql(database, blocks[0][1])
    if status != 0:
        return "the example fails:\n" + output
    if normalized(output) != normalized(blocks[1][1]):
        return f"the example prints:\n{output}\nbut the page shows:\n{blocks[1][1]}"
    return None


def main(database):
    status, output = psql(
        database,
        "\\pset tuples_only on\n\\pset format unaligned\n"
        "SELECT DISTINCT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE n.nspname = 'confiture' ORDER BY 1;",
    )
    if status != 0:
        print(output)
        return 1
    failures = 0
    for function in output.split():
        page = REFERENCE / f"{function}.md"
        problem = check_example(database, page) if page.exists() else f"no page {page.name}"
        print(f"docs {function:<27} ... {'FAILED' if problem else 'ok'}")
        if problem:
            print("    " + problem.replace("\n", "\n    "))
            failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
