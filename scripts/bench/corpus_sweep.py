#!/usr/bin/env python3
"""Robustness sweep over every file of PostgreSQL's regression SQL
(../shared/corpus/postgres-regress), psql meta-command lines removed, through one Confiture
function:

  split_statements  every file must split or raise a clean ERROR;
  assess_risk       every file must be analysed, statement by statement, or raise a clean
                    ERROR (syntax);
  dry_run           every file is dry-run (stop_on_error off, 5 s per statement); it must
                    report every statement or raise a clean ERROR (syntax, refusal).

A crash, a lost connection or an internal error (XX000) is a failure, and so is, for dry_run,
any user object or role that exists after the sweep and did not before.
Usage: corpus_sweep.py FUNCTION DATABASE CORPUS_DIR (connection from PG* variables)."""
import collections
import pathlib
import subprocess
import sys

QUERIES = {
    "split_statements": "SELECT 'statements', count(*) FROM confiture.split_statements({script})",
    "assess_risk": "SELECT risk_level, count(*) FROM confiture.assess_risk({script}) GROUP BY risk_level",
    "dry_run": "SELECT status, count(*) FROM confiture.dry_run({script}, "
               "'{{\"stop_on_error\": false, \"statement_timeout\": \"5s\"}}') GROUP BY status",
}


def run(function, database, script):
    # A dollar-quote tag that the script does not contain.
    tag = "corpus"
    while f"${tag}$" in script:
        tag += "_"
    query = QUERIES[function].format(script=f"${tag}${script}${tag}$")
    result = subprocess.run(
        ["psql", "-X", "-q", "-t", "-A", "-d", database, "-f", "-"],
        input=f"\\set VERBOSITY sqlstate\n{query};\n", capture_output=True, text=True,
    )
    return result.returncode, result.stdout.strip(), result.stderr.strip()


# What a dry run must not leave behind: user objects of the main catalogs, and roles.
OBJECTS = ("SELECT (SELECT count(*) FROM pg_class WHERE oid >= 16384) || ' relations, ' || "
           "(SELECT count(*) FROM pg_proc WHERE oid >= 16384) || ' functions, ' || "
           "(SELECT count(*) FROM pg_type WHERE oid >= 16384) || ' types, ' || "
           "(SELECT count(*) FROM pg_namespace WHERE oid >= 16384) || ' schemas, ' || "
           "(SELECT count(*) FROM pg_roles WHERE oid >= 16384) || ' roles'")


def objects(database):
    return subprocess.run(["psql", "-X", "-q", "-t", "-A", "-d", database, "-c", OBJECTS],
                          capture_output=True, text=True).stdout.strip()


def main(function, database, corpus):
    files = sorted(pathlib.Path(corpus).glob("*.sql"))
    objects_before = objects(database)
    handled = 0
    counts = collections.Counter()
    errors = collections.Counter()
    failures = []
    for path in files:
        text = path.read_text(errors="replace").replace("\x00", "")
        script = "\n".join(l for l in text.splitlines() if not l.lstrip().startswith("\\"))
        status, out, err = run(function, database, script)
        if status == 0 and "ERROR:" not in err:
            handled += 1
            for line in filter(None, out.splitlines()):
                key, count = line.rsplit("|", 1)
                counts[key] += int(count)
        elif "ERROR:" in err and "XX000" not in err and "connection" not in err \
                and "panicked" not in err:
            errors[err.split("ERROR:")[1].split()[0]] += 1
        else:
            failures.append(f"{path.name}: {err or out}")
    print(f"{function} over {len(files)} corpus files: {handled} handled "
          f"({dict(sorted(counts.items()))}); clean ERRORs: {sum(errors.values())} "
          f"{dict(sorted(errors.items()))}; crashes or internal errors: {len(failures)}")
    objects_after = objects(database)
    if objects_after != objects_before:
        failures.append(f"left behind: before {objects_before}; after {objects_after}")
    else:
        print(f"  database before and after: {objects_after}")
    for failure in failures:
        print("  " + failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3]))
