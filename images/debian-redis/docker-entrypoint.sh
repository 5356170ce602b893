#!/bin/sh
# Like the official redis image: arguments starting with "-" (or a .conf file) go to redis-server, and
# protected mode is off when no config file is given, because the container network is the boundary.
set -eu

if [ "$#" -eq 0 ] || [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ]; then set -- redis-server "$@"; fi
if [ "$1" = "redis-server" ]; then
  case "${2:-}" in
    *.conf) ;;
    *) shift; set -- redis-server --protected-mode no "$@" ;;
  esac
fi
exec "$@"
