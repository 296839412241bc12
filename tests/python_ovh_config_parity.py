#!/usr/bin/env python3
"""Regenerates the "python" column of tests/fixtures/config_parity.json from python-ovh.

Each row's environment and ovh.conf files are set up in a temporary directory and
handed to python-ovh's own Client(), which resolves them with its configparser rules;
the outcome (method and values, or the exception class) is written back into the row.
The Rust test src/config/tests/parity.rs then checks that this crate gives the same
outcome for every row without a documented "difference".

Not run by CI. Usage (python-ovh 1.2.0 is the reference):

    python3 -m venv /tmp/pyovh && /tmp/pyovh/bin/pip install ovh==1.2.0
    /tmp/pyovh/bin/python tests/python_ovh_config_parity.py          # rewrite the column
    /tmp/pyovh/bin/python tests/python_ovh_config_parity.py --check  # fail if it differs

A row runs in a child process with a timeout, so that a FIFO, on which python-ovh
blocks, is recorded as {"error": "blocks"}. "Permission denied" cannot be produced with
chmod when running as root (as in CI containers), so the child also makes
configparser's open() raise PermissionError for such a path, which is what the kernel
answers an unprivileged user.
"""

import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "fixtures", "config_parity.json")
PLACES = {"etc": "etc/ovh.conf", "home": "home/.ovh.conf", "local": "cwd/ovh.conf"}


def run_row(row):
    """In the child: set the row up, build a python-ovh Client, print the outcome."""
    import builtins
    import configparser

    import ovh
    import ovh.config

    root = tempfile.mkdtemp(prefix="ovh-parity-")
    paths, unreadable = [], set()
    for place, rel in PLACES.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        paths.append(path)
        spec = row["files"].get(place)
        if spec is None:
            continue
        if "text" in spec:
            with open(path, "w", encoding="utf-8", newline="") as f:
                f.write(spec["text"])
        elif "hex" in spec:
            with open(path, "wb") as f:
                f.write(bytes.fromhex(spec["hex"]))
        elif spec["kind"] == "directory":
            os.mkdir(path)
        elif spec["kind"] == "fifo":
            os.mkfifo(path)
        elif spec["kind"] == "unreadable":
            with open(path, "w") as f:
                f.write("[default]\nendpoint=ovh-ca\n")
            os.chmod(path, 0)
            unreadable.add(path)
    real_open = builtins.open

    def open_as_user(file, *args, **kwargs):
        if file in unreadable:
            raise PermissionError(13, "Permission denied", file)
        return real_open(file, *args, **kwargs)

    configparser.open = open_as_user
    ovh.config.CONFIG_PATH[:] = paths
    for name in [n for n in os.environ if n.startswith("OVH_")]:
        del os.environ[name]
    os.environ.update(row["env"])
    try:
        c = ovh.Client()
    except Exception as e:  # the outcome is the exception's class
        return {"error": type(e).__name__}
    if c._oauth2 is not None:
        return {"oauth2": {"endpoint": c._endpoint, "client_id": c._client_id,
                           "client_secret": c._client_secret}}
    return {"signing": {"endpoint": c._endpoint, "application_key": c._application_key,
                        "application_secret": c._application_secret,
                        "consumer_key": c._consumer_key}}


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--row":
        row = json.load(open(DATA, encoding="utf-8"))["rows"][int(sys.argv[2])]
        print(json.dumps(run_row(row)))
        return 0
    check = "--check" in sys.argv
    data = json.load(open(DATA, encoding="utf-8"))
    changed = []
    for i, row in enumerate(data["rows"]):
        try:
            out = subprocess.run([sys.executable, __file__, "--row", str(i)],
                                 capture_output=True, text=True, timeout=5)
            outcome = json.loads(out.stdout) if out.returncode == 0 else {"error": "crash"}
        except subprocess.TimeoutExpired:
            outcome = {"error": "blocks"}
        if outcome != row["python"]:
            changed.append(row["name"])
        row["python"] = outcome
        if row["difference"] is None and outcome != row["rust"]:
            print(f"note: {row['name']!r}: python {outcome} != rust {row['rust']} "
                  "and no difference is documented", file=sys.stderr)
    if check:
        for name in changed:
            print(f"differs from python-ovh now: {name}", file=sys.stderr)
        return 1 if changed else 0
    with open(DATA, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"{len(data['rows'])} rows, {len(changed)} python results changed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
