#!/bin/sh
# Tracing: LAB_TRACE makes a program that runs tasks write a Chrome trace-event file;
# python3's json module reads it back and finds every task, its lifetime and its waits.
. "${0%/*}/lib.sh"
require_optional "python3 -c 'import json'" "python3"

trace=$tap_tmp/trace.json
LAB_VIRTUAL_CLOCK=1 LAB_TRACE=$trace run 03-coroutines/three_forms --quick
is "$rc" 0 "three_forms runs with LAB_TRACE set"
check "it wrote the trace file" [ -s "$trace" ]

# One line per finding, so each becomes a test below.
found=$(python3 - "$trace" <<'PY'
import json, sys
events = json.load(open(sys.argv[1]))["traceEvents"]
names = {e["tid"]: e["args"]["name"] for e in events if e.get("name") == "thread_name"}
print("tracks:", " ".join(sorted(names.values())))
for tid, name in sorted(names.items()):
    life = [e for e in events if e.get("cat") == "task" and e["tid"] == tid]
    waits = [e for e in events if e.get("cat") == "wait" and e["tid"] == tid]
    runs = [e for e in events if e.get("cat") == "run" and e["tid"] == tid]
    inside = all(l["ts"] <= s["ts"] and s["ts"] + s["dur"] <= l["ts"] + l["dur"] + 1e-3
                 for l in life for s in waits + runs)
    print(f"{name}: lifetime={len(life)} outcome={life[0]['args']['outcome'] if life else '-'}"
          f" runs={len(runs)} sleeps={sum(1 for w in waits if w['name'].startswith('sleep'))}"
          f" nested={inside}")
    if name == "worker-1":
        print(f"worker-1 lifetime: {life[0]['dur']:.0f} us")
PY
)
diag "$found"
like "$found" '^tracks: main worker-1 worker-2 worker-3$' "the trace has a track per task, named after it"
like "$found" '^worker-2: lifetime=1 outcome=result runs=4 sleeps=3 nested=True$' \
    "a worker: one lifetime, ended with a result, 4 runs around its 3 sleeps, all inside it"
like "$found" '^main: lifetime=1 outcome=result .*nested=True$' "main's slices sit inside its lifetime"
like "$found" '^worker-1 lifetime: 60000 us$' "on the virtual clock worker-1 lived exactly 0.06 s"

# Outcomes other than a result: leak_detector's failed requests end with an error, its
# keepalive helpers and its monitor, cancelled, end cancelled (not with a result: a
# background task that swallowed its cancel would show "result" here).
LAB_VIRTUAL_CLOCK=1 LAB_TRACE=$trace run 03-coroutines/leak_detector --quick
outcomes=$(python3 - "$trace" <<'PY'
import json, sys, collections
events = json.load(open(sys.argv[1]))["traceEvents"]
names = {e["tid"]: e["args"]["name"] for e in events if e.get("name") == "thread_name"}
seen = collections.Counter((names[e["tid"]], e["args"]["outcome"]) for e in events
                           if e.get("cat") == "task")
for (name, outcome), n in sorted(seen.items()):
    print(f"{name} {outcome} {n}")
PY
)
diag "$outcomes"
like "$outcomes" '^handle_request error 6$' "the 6 failed requests end with an error"
like "$outcomes" '^handle_request result 14$' "the other 14 with a result"
like "$outcomes" '^keepalive cancelled 20$' "every keepalive ends cancelled (6 of them cancelled only by async_run)"
like "$outcomes" '^monitor cancelled 1$' "the monitor ends cancelled"
unlike "$outcomes" '^(keepalive|monitor) result' "no background task ends with a result"
done_testing
