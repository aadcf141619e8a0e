#!/bin/sh
# The laws of common/'s synchronisation primitives (queue.h, semaphore.h, lock.h, event.h,
# condition.h), checked on asyncio itself: the scenarios of tests/unit/{queue,semaphore,
# lock,event,condition}.c run under the python3 here (tests/sync_asyncio.py), so the C
# and asyncio can be seen to agree. Rules newer than this Python are skipped, saying so.
. "${0%/*}/lib.sh"
require_optional "python3 -c 'import asyncio'" python3
python3 "${0%/*}/sync_asyncio.py"
