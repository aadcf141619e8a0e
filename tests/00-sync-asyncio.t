#!/bin/sh
# The laws of common/'s synchronisation primitives (queue.h, semaphore.h, lock.h, event.h,
# condition.h), checked on asyncio itself: the scenarios of tests/unit/{queue,semaphore,
# lock,event,condition}.c run in python3's asyncio (tests/sync_asyncio.py), so the C and
# asyncio can be seen to agree. Rules that came with Python 3.13 (Queue.shutdown,
# gh-112202's Condition fix) are checked only where a python3 of 3.13 or later is found.
. "${0%/*}/lib.sh"
python=python3
for candidate in python3.14 python3.13; do
    if "$candidate" -c 'import asyncio' >/dev/null 2>&1; then
        python=$candidate
        break
    fi
done
require_optional "$python -c 'import asyncio'" python3
"$python" "${0%/*}/sync_asyncio.py"
