#!/bin/sh
# Instructions per request of the client and of the raw-hyper floor
# (tests/benches/request_cost.rs), counted by callgrind on the main thread
# (the client's current-thread runtime): (I(N=2200) - I(N=200)) / 2000.
# Usage: tools/bench/request_cost.sh [binary]  (default: the newest release build)
set -eu
bin=${1:-$(ls -t target/release/deps/request_cost-* | grep -v '\.d$' | head -1)}
out=$(mktemp -d)
count() { # side verb n -> instructions of the main thread
    valgrind --tool=callgrind --separate-threads=yes \
        --callgrind-out-file="$out/$1-$2-$3" "$bin" "$1" "$2" "$3" >/dev/null 2>&1
    callgrind_annotate "$out/$1-$2-$3-01" | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }'
}
for verb in get post; do
    for side in floor client; do
        small=$(count $side $verb 200)
        large=$(count $side $verb 2200)
        echo "$side $verb: $(( (large - small) / 2000 )) instructions per request"
    done
done
echo "profiles in $out"
