#!/usr/bin/env python3
"""Robustness sweep: split_statements over every file of PostgreSQL's regression SQL
(../shared/corpus/postgres-regress), psql meta-command lines removed. Every file must either
split or raise a clean ERROR; a crash or an internal error (XX000) is a failure.
Usage: split_corpus.py DATABASE CORPUS_DIR (connection from PG* variables)."""
import pathlib
import subprocess
import sys


def split(database, script):
    # A dollar-quote tag that the script does not contain.
    tag = "corpus"
    while f"${tag}$" in script:
        tag += "_"
    sql = (
        "\\set VERBOSITY sqlstate\n"
        f"SELECT count(*) FROM confiture.split_statements(${tag}${script}${tag}$);\n"
    )
    result = subprocess.run(
        ["psql", "-X", "-q", "-t", "-A", "-d", database, "-f", "-"],
        input=sql, capture_output=True, text=True,
    )
    return result.returncode, result.stdout.strip(), result.stderr.strip()


def main(database, corpus):
    files = sorted(pathlib.Path(corpus).glob("*.sql"))
    split_files = statements = 0
    errors = {}
    failures = []
    for path in files:
        text = path.read_text(errors="replace").replace("\x00", "")
        script = "\n".join(l for l in text.splitlines() if not l.lstrip().startswith("\\"))
        status, out, err = split(database, script)
        if status == 0 and out.isdigit():
            split_files += 1
            statements += int(out)
        elif "ERROR:" in err and "XX000" not in err:
            code = err.split("ERROR:")[1].split()[0]
            errors[code] = errors.get(code, 0) + 1
        else:
            failures.append(f"{path.name}: {err or out}")
    print(f"corpus files: {len(files)}; split: {split_files} ({statements} statements); "
          f"clean ERRORs: {sum(errors.values())} {dict(sorted(errors.items()))}; "
          f"crashes or internal errors: {len(failures)}")
    for failure in failures:
        print("  " + failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
