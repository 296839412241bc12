#!/bin/sh
# usage: run.sh TARGET SECONDS SEEDDIR  (logs to fuzz/logs/TARGET.log)
cd "$(dirname "$0")"
mkdir -p logs corpus/$1
RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}" nice -n 10 cargo fuzz run $1 corpus/$1 $3 -- -max_total_time=$2 -print_final_stats=1 -rss_limit_mb=1024 > logs/$1.log 2>&1
