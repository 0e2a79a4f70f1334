#!/bin/sh
# http_test.sh - the HTTP face over real HTTP (http_test.py, Debian's python3
# with python3-prometheus-client); REGIED names the engine of the mode.
exec /usr/bin/python3 "$(dirname "$0")/http_test.py"
