"""asyncio on a virtual clock, as the lab's C tests run theirs (loop_set_virtual_clock).

When every task is asleep, the loop's time jumps to the next timer instead of passing,
so a scenario with sleeps of 0.05 s and 10 s runs in an instant and gives the same
answer on a busy machine as on a quiet one: the comparisons with asyncio depend on
asyncio's laws, never on the machine's speed.

    from virtual_clock import run
    run(scenario())          # as asyncio.run(scenario()), on the virtual clock
"""
import asyncio
import selectors


class _JumpingSelector(selectors.DefaultSelector):
    """Looks for I/O without waiting; where the loop would sleep, moves the clock."""

    def __init__(self):
        super().__init__()
        self.clock = 0.0

    def select(self, timeout=None):
        if timeout is None:  # no timer at all: only I/O can wake the loop
            return super().select(None)
        ready = super().select(0)
        if not ready and timeout > 0:
            self.clock += timeout
        return ready


class VirtualClockLoop(asyncio.SelectorEventLoop):
    def __init__(self):
        self._jumping = _JumpingSelector()
        super().__init__(self._jumping)

    def time(self):
        return self._jumping.clock


def run(coro):
    """asyncio.run(coro) on a fresh loop with the virtual clock."""
    with asyncio.Runner(loop_factory=VirtualClockLoop) as runner:
        return runner.run(coro)
