#!/usr/bin/env python3
"""Target 4: python-ovh (pip package ``ovh``) against the benches' local OVH server.

Runs the same call as the Rust end-to-end bench,
``client.get('/service/118977335/renew', includeOptions=False)``, sequentially, and
prints one JSON line: microseconds per call (median over rounds), the number of calls
made, and the versions. Time sync (``GET /auth/time``) and connection set-up happen in a
warm-up call that is not timed, as on the Rust side.

Besides wall time it reports the CPU time of this process per call (the client's own
work, wherever it runs). ``--cpu N`` first pins the process to CPU N (Linux), as the bench
does for its one-CPU placement.

Normally started by ``cargo bench --bench e2e`` against its own server. To run it by
hand, start any server that answers ``/1.0/auth/time`` and the renew route::

    python3 benches/python_ovh.py --port 8080 --iterations 500 --rounds 5 [--cpu 0]

python-ovh only accepts named endpoints, so a ``bench-local`` name is added to
``ovh.client.ENDPOINTS``. Exit status 3 means python-ovh is not installed, 4 that
``--cpu`` could not be applied.
"""

import argparse
import json
import os
import platform
import statistics
import sys
import time


def ovh_version():
    try:
        from importlib.metadata import version

        return version("ovh")
    except Exception:  # noqa: BLE001 - the version is informative only
        return "unknown"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--iterations", type=int, default=500, help="calls per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--service-id", type=int, default=118977335)
    parser.add_argument("--cpu", type=int, help="pin this process to that CPU first")
    args = parser.parse_args()

    if args.cpu is not None:
        try:
            os.sched_setaffinity(0, {args.cpu})
        except (AttributeError, OSError) as e:
            print("cannot pin to CPU %d: %s" % (args.cpu, e), file=sys.stderr)
            return 4

    try:
        import ovh
        import ovh.client
    except ImportError:
        print(
            "python-ovh is not installed: `python3 -m pip install ovh` (then rerun the bench)",
            file=sys.stderr,
        )
        return 3

    ovh.client.ENDPOINTS["bench-local"] = "http://127.0.0.1:%d/1.0" % args.port
    client = ovh.Client(
        endpoint="bench-local",
        application_key="test-app-key-AK7",
        application_secret="SECRET-app-secret-9ufkBmLa",
        consumer_key="SECRET-consumer-key-5mBuy6SU",
    )
    path = "/service/%d/renew" % args.service_id

    # Not timed: GET /auth/time (time_delta is lazy) and the keep-alive connection.
    client.time_delta
    first = client.get(path, includeOptions=False)
    if not isinstance(first, list) or not first:
        print("unexpected answer: %r" % (first,), file=sys.stderr)
        return 1
    calls = 1

    per_call_us = []
    cpu_per_call_us = []
    for _ in range(args.rounds):
        cpu_start = time.process_time_ns()
        start = time.perf_counter_ns()
        for _ in range(args.iterations):
            client.get(path, includeOptions=False)
        elapsed = time.perf_counter_ns() - start
        cpu = time.process_time_ns() - cpu_start
        per_call_us.append(elapsed / args.iterations / 1000.0)
        cpu_per_call_us.append(cpu / args.iterations / 1000.0)
        calls += args.iterations

    print(
        json.dumps(
            {
                "us_per_call": statistics.median(per_call_us),
                "rounds_us": per_call_us,
                "cpu_us_per_call": statistics.median(cpu_per_call_us),
                "cpu": sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
                "calls": calls,
                "ovh_version": ovh_version(),
                "python": platform.python_version(),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
