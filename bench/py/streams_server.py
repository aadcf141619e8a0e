"""The article's server (A1 §3.2 性能优化实战): asyncio.start_server, one coroutine per
connection, each request answered with the same bytes as the lab's C server, so that
bench/02-server.sh can compare them on the same work. `--uvloop` runs it on uvloop
(A1 §9.1 事件循环策略选择).

    python3 bench/py/streams_server.py --port 0 [--uvloop] [--untuned]

prints "listening on 127.0.0.1:PORT" and serves until SIGTERM or Ctrl-C. Like the
article's tuned server it binds with backlog=10000 and limit=1 MiB (the kernel clamps the
backlog to net.core.somaxconn) and keeps a Semaphore(500) of connections being served at
once; --untuned is its "默认配置": start_server's defaults and no semaphore.
"""
import argparse
import asyncio
import signal

RESPONSE = (b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
            b"Content-Length: 14\r\nConnection: keep-alive\r\n\r\n"
            b"Hello, World!\n")


async def answer(reader, writer):
    try:
        while True:
            await reader.readuntil(b"\r\n\r\n")
            writer.write(RESPONSE)
            await writer.drain()
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
        pass
    finally:
        writer.close()


async def serve(port, tuned):
    if tuned:
        semaphore = asyncio.Semaphore(500)  # the article creates it; here it is also used

        async def handle_connection(reader, writer):
            async with semaphore:
                await answer(reader, writer)

        server = await asyncio.start_server(handle_connection, "127.0.0.1", port,
                                            limit=1024 * 1024, backlog=10000)
    else:
        server = await asyncio.start_server(answer, "127.0.0.1", port)
    print(f"listening on 127.0.0.1:{server.sockets[0].getsockname()[1]}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with server:
        await stop.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--uvloop", action="store_true", help="run on uvloop (libuv)")
    parser.add_argument("--untuned", action="store_true",
                        help="start_server's defaults, no semaphore (the article's 默认配置)")
    args = parser.parse_args()
    loop_factory = None
    if args.uvloop:
        import uvloop
        loop_factory = uvloop.new_event_loop
    with asyncio.Runner(loop_factory=loop_factory) as runner:
        runner.run(serve(args.port, tuned=not args.untuned))


if __name__ == "__main__":
    main()
