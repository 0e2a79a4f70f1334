#!/bin/sh
# browser_test.sh - the browser app in a real headless Chromium
# (browser_test.py); screenshots in build/browser/.
exec /usr/bin/python3 "$(dirname "$0")/browser_test.py"
