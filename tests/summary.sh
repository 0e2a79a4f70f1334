#!/bin/sh
# summary.sh RESULT_FILE... - the closing line of `make test`.
passed=$(cat "$@" | grep -c '^PASS: ')
failed=$(cat "$@" | grep -c '^FAIL: ')
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
