"""The IPFIX byte stream of a capture of IPFIX exported over TCP, reassembled in Python
(standard library only, independently of flowdex): every connection's payload towards the
collector in sequence order, retransmitted bytes once."""
import struct


def _frames(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        end = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        end = ">"
    else:
        raise ValueError("%s: not a classic pcap file" % path)
    linktype = struct.unpack_from(end + "I", data, 20)[0]
    if linktype != 1:
        raise ValueError("%s: only Ethernet captures are handled" % path)
    off = 24
    while off + 16 <= len(data):
        caplen = struct.unpack_from(end + "I", data, off + 8)[0]
        yield data[off + 16:off + 16 + caplen]
        off += 16 + caplen


def _tcp_segment(frame):
    """(src, sport, dst, dport, seq, syn, payload) of an Ethernet/IPv4 or IPv6 TCP frame."""
    et = struct.unpack_from("!H", frame, 12)[0]
    ip = frame[14:]
    if et == 0x0800 and ip[9] == 6:
        ihl = (ip[0] & 0x0F) * 4
        total = struct.unpack_from("!H", ip, 2)[0]
        src, dst, tcp = ip[12:16], ip[16:20], ip[ihl:total]
    elif et == 0x86DD and ip[6] == 6:
        plen = struct.unpack_from("!H", ip, 4)[0]
        src, dst, tcp = ip[8:24], ip[24:40], ip[40:40 + plen]
    else:
        return None
    sport, dport, seq = struct.unpack_from("!HHI", tcp, 0)
    doff = (tcp[12] >> 4) * 4
    syn = bool(tcp[13] & 0x02)
    return (bytes(src), sport, bytes(dst), dport, seq, syn, bytes(tcp[doff:]))


def streams(path, dport=4739):
    """{(src, sport): bytes} of every connection towards dport."""
    segs = {}
    isn = {}
    for fr in _frames(path):
        s = _tcp_segment(fr)
        if s is None or s[3] != dport:
            continue
        key = (s[0], s[1])
        if s[5]:
            isn[key] = (s[4] + 1) & 0xFFFFFFFF
        if s[6]:
            segs.setdefault(key, []).append((s[4], s[6]))
    out = {}
    for key, lst in segs.items():
        base = isn.get(key, min(q for q, _ in lst))
        buf = bytearray()
        for seq, payload in sorted(lst, key=lambda x: (x[0] - base) & 0xFFFFFFFF):
            rel = (seq - base) & 0xFFFFFFFF
            if rel + len(payload) <= len(buf):
                continue
            if rel > len(buf):
                raise ValueError("gap in the capture's TCP stream")
            buf += payload[len(buf) - rel:]
        out[key] = bytes(buf)
    return out
