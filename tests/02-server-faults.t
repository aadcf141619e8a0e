#!/bin/sh
# Chapter 02's server under bad input and faults: 1 MiB without a newline, garbage,
# half a request then silence, clients gone mid-response, a storm of 10,000 connections,
# the connection limit. A well-behaved client must be served throughout, and the server
# must end with the fds it started with. The clients are raw sockets in tests/http_faults.py.
. "${0%/*}/lib.sh"
require_optional "python3 --version" python3
python3 "${0%/*}/http_faults.py" "$LAB_BUILD"
