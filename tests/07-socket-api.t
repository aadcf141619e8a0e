#!/bin/sh
# socket_api: libcurl's multi socket API on the loop keeps the protocol of curl_loop.h
# (ASYNCIO-LAWS §5.1): the 0 ms timer served from the loop and never re-entrantly, -1
# deleting the timer, fds registered afresh after a REMOVE, every completion drained,
# a cancelled transfer removed.
. "${0%/*}/lib.sh"
. "${0%/*}/07-lib.sh"

run $dir/socket_api
is "$rc" 0 "socket_api exits 0"
# The order of the first transfer's callbacks, as libcurl 7.88.1 makes them.
trace=$(printf '%s\n' "$out" | sed -n 's/^\[[^]]*\] \[[^]]*\] \(loop\|curl\): //p' | sed 's/fd [0-9]*/fd N/; s/timer [1-9][0-9]* ms/timer T ms/' | tr '\n' '|')
is "$trace" "curl_multi_add_handle|timer 0 ms|curl's timer is due|socket fd N OUT (new to the loop)|timer T ms|socket fd N IN|socket fd N REMOVE|timer -1 ms (delete)|transfer done: No error|" \
    "one transfer: timer 0 inside add_handle, served by the loop; OUT, IN, REMOVE; timer deleted; drained"
law() { printf '%s\n' "$out" | grep -F -e "$1" | awk '{ print $(NF-1), $NF }'; }
is "$(law 'libcurl called from inside its callbacks')" "0 yes" "libcurl is never called from inside its callbacks"
like "$(law '0 ms timers')" '^[1-9][0-9]* yes$' "every 0 ms timer became a loop timer"
like "$(law '-1 timers')" '^[1-9][0-9]* yes$' "-1 deleted the loop's timer"
like "$(law 'fd numbers back after a REMOVE')" '^[1-9][0-9]* yes$' "an fd number back after its REMOVE was registered afresh"
is "$(law 'transfers completed')" "4 yes" "the four transfers that ended were drained, each once"
like "$out" 'cancelled after 0.2 s: fetch returned -ECANCELED; 0 transfers left' "a cancelled fetch removes its transfer"
like "$out" 'fds left open: 0$' "no fd left open"
done_testing
