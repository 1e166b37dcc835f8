"""Free loopback ports for the services the suite starts itself.

All the ports a service needs are taken in one call, with every socket bound at the same time:
two sockets asked for one after the other can be given the same port once the first is closed.
"""

import socket


def free_ports(count: int, host: str = "127.0.0.1") -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind((host, 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()
