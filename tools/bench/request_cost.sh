#!/bin/sh
# Instructions per request (get, post) or per watch event (watch) of the
# client and of the raw-hyper floor (tests/benches/request_cost.rs), counted
# by callgrind on the main thread (the client's current-thread runtime):
# (I(N=2200) - I(N=200)) / 2000 per request, (I(N=11000) - I(N=1000)) / 10000
# per event. For the watch, dhat's allocation count of the whole process
# (the server's does not grow with N) gives allocations per event.
# Usage: tools/bench/request_cost.sh [binary] [workloads]
#   (defaults: the newest release build; "get post watch")
set -eu
bin=${1:-$(ls -t target/release/deps/request_cost-* | grep -v '\.d$' | head -1)}
workloads=${2:-get post watch}
out=$(mktemp -d)
count() { # side workload n -> instructions of the main thread
    valgrind --tool=callgrind --separate-threads=yes \
        --callgrind-out-file="$out/$1-$2-$3" "$bin" "$1" "$2" "$3" >/dev/null 2>&1
    callgrind_annotate "$out/$1-$2-$3-01" | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }'
}
blocks() { # side workload n -> heap blocks allocated by the process
    valgrind --tool=dhat --dhat-out-file=/dev/null "$bin" "$1" "$2" "$3" 2>&1 >/dev/null |
        sed -n 's/.*Total:.* in \([0-9,]*\) blocks.*/\1/p' | tr -d ,
}
for workload in $workloads; do
    case $workload in
    watch) small=1000 large=11000 unit=event ;;
    *) small=200 large=2200 unit=request ;;
    esac
    for side in floor client; do
        a=$(count $side $workload $small)
        b=$(count $side $workload $large)
        line="$side $workload: $(( (b - a) / (large - small) )) instructions per $unit"
        if [ "$workload" = watch ]; then
            a=$(blocks $side $workload $small)
            b=$(blocks $side $workload $large)
            line="$line, $(( (b - a) * 100 / (large - small) ))/100 allocations per event"
        fi
        echo "$line"
    done
done
echo "profiles in $out"
