#!/bin/sh
# Chapter 01 errata, checked on the article's own Python: in A4 多进程编程, a Ctrl-C that
# arrives while mp.Pool(...) starts leaves `pool` unbound in `except KeyboardInterrupt`.
. "${0%/*}/lib.sh"
require_optional 'command -v python3' python3

out=$(timeout 60 python3 01-gil-and-threads/errata/pool_unbound.py 2>&1 </dev/null)
is "$?" 0 "the erratum script runs to its end"
like "$out" '检测到中断信号' "the article's KeyboardInterrupt handler runs"
like "$out" "主程序发生错误：.*local variable 'pool'" "and fails on the unbound name pool"
unlike "$out" '处理完成' "no image was processed: the pool never existed"
done_testing
