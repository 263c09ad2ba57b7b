#!/bin/bash
. "$(dirname "$0")/env.sh"
for f in berth.pid echod.pid; do [ -f $f ] && kill $(cat $f) 2>/dev/null; rm -f $f; done
