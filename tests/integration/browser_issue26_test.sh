#!/bin/sh
# browser_issue26_test.sh - the what-if and oversight pages (issue 26) in a
# real headless Chromium (browser_issue26_test.py); screenshots in build/browser/.
exec /usr/bin/python3 "$(dirname "$0")/browser_issue26_test.py"
