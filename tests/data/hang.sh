#!/bin/sh
# A stand-in for soffice that hangs, with a child, until it is killed (tests of the timeout).
sh -c 'sleep 300' osf-hang-marker &
sleep 300
