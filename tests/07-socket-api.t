#!/bin/sh
# socket_api: libcurl's multi socket API on the loop keeps the protocol of curl_loop.h
# (ASYNCIO-LAWS §5.1): the 0 ms timer served from the loop and never re-entrantly, -1
# deleting the timer, a pooled connection's socket parked at its REMOVE (still watched,
# so reusing it costs no epoll_ctl) and let go when the server closes it, fds closed
# then registered afresh, every completion drained, a cancelled transfer removed.
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
like "$(law 'REMOVEs, one for each watch')" '^[1-9][0-9]* yes$' "every watch an IN/OUT began, ended by one REMOVE"
like "$(law 'REMOVEs of a pooled connection')" '^[1-9][0-9]* yes$' "a pooled connection's REMOVE parks its socket"
like "$(law 'parked sockets in use again')" '^[1-9][0-9]* yes$' "the next transfer on it finds its socket still watched"
is "$(law 'epoll_ctl calls the second transfer')" "0 yes" "and asks the kernel nothing: no epoll_ctl"
like "$(law 'parked sockets the server closed')" '^[1-9][0-9]* yes$' \
    "a parked socket the server closed loses its reader, without a call into libcurl"
is "$(law 'the next fetch there')" "1 yes" "and the next fetch there opens one new connection"
like "$(law 'fd numbers back after their close')" '^[1-9][0-9]* yes$' "an fd number back after its close was registered afresh"
is "$(law 'transfers completed')" "7 yes" "the seven transfers that ended were drained, each once"
like "$out" 'cancelled after 0.2 s: fetch returned -ECANCELED; 0 transfers left' "a cancelled fetch removes its transfer"
like "$out" 'fds left open: 0$' "no fd left open"
done_testing
