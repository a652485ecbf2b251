#!/usr/bin/env python3
"""`wasmlift run --socket FD`: sock_guest.wasm gets a connected socket (fd 3, the host already
wrote "pong!") and a listening one with a pending connection (fd 4, which sent "hello"), both
inherited by the wasmlift process. Checks the guest's verdict and what it sent back.
Usage: run_sock_test.py WASMLIFT SOCK_GUEST.wasm"""
import socket
import subprocess
import sys

wasmlift, guest = sys.argv[1], sys.argv[2]
ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
ours.sendall(b"pong!")
listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
listener.bind("\0wasmlift-cli-sock-%d" % id(listener))
listener.listen(4)
client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
client.connect(listener.getsockname())
client.sendall(b"hello")

fds = (theirs.fileno(), listener.fileno())
run = subprocess.run([wasmlift, "run", "--socket", str(fds[0]), "--socket", str(fds[1]), guest],
                     pass_fds=fds, capture_output=True, timeout=120)
sys.stdout.write(run.stdout.decode() + run.stderr.decode())
theirs.close()
listener.close()
assert run.returncode == 0, "guest failed with status %d" % run.returncode
assert b" 0 failures" in run.stdout
assert ours.recv(16) == b"ping"
assert ours.recv(16) == b""  # the guest shut down its writing side
assert client.recv(16) == b"bye"

# Only sockets can be passed with --socket.
bad = subprocess.run([wasmlift, "run", "--socket", "0", guest], stdin=subprocess.DEVNULL, capture_output=True)
assert bad.returncode == 1 and b"must be a socket" in bad.stderr, bad
print("wasmlift run --socket ok")
