"""Exit 0 when something answers on HOST PORT (used by `make test` to find PostgreSQL)."""

import socket
import sys

host, port = sys.argv[1], int(sys.argv[2])
with socket.socket() as sock:
    sock.settimeout(1)
    sys.exit(0 if sock.connect_ex((host, port)) == 0 else 1)
