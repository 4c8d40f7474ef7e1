"""Sends every UDP payload of pcap files to HOST:PORT over loopback (bounded: one pass)."""
import socket
import sys
import time

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import pcaputil  # noqa: E402


def main():
    if len(sys.argv) < 4:
        print("usage: udp_send.py HOST PORT FILE...", file=sys.stderr)
        return 2
    host, port = sys.argv[1], int(sys.argv[2])
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    n = 0
    for path in sys.argv[3:]:
        for p in pcaputil.udp_payloads(path):
            s.sendto(p, (host, port))
            n += 1
            if n % 32 == 0:
                time.sleep(0.001)  # stay well under the socket buffer
    print("sent %d datagrams" % n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
