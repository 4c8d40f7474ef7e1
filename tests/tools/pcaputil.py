"""Minimal classic-pcap reader for the end-to-end tests (standard library only).

Extracts UDP payloads from Ethernet (with 802.1Q tags), raw IP and Linux SLL captures,
IPv4 and IPv6, so tests can send a capture's datagrams over loopback and compute expected
counts independently of flowdex."""
import struct


def _udp_from_ip(buf):
    if not buf:
        return None
    ver = buf[0] >> 4
    if ver == 4:
        ihl = (buf[0] & 0x0F) * 4
        total = struct.unpack_from("!H", buf, 2)[0]
        frag = struct.unpack_from("!H", buf, 6)[0]
        if buf[9] != 17 or (frag & 0x3FFF) != 0:
            return None
        body = buf[ihl:total]
    elif ver == 6:
        plen = struct.unpack_from("!H", buf, 4)[0]
        if buf[6] != 17:
            return None
        body = buf[40:40 + plen]
    else:
        return None
    if len(body) < 8:
        return None
    ulen = struct.unpack_from("!H", body, 4)[0]
    return bytes(body[8:ulen])


def udp_payloads(path):
    """Returns the list of UDP payloads of a classic pcap file, in capture order."""
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
    off = 24
    out = []
    while off + 16 <= len(data):
        _, _, caplen, _ = struct.unpack_from(end + "IIII", data, off)
        frame = data[off + 16:off + 16 + caplen]
        off += 16 + caplen
        if linktype == 1:
            et = struct.unpack_from("!H", frame, 12)[0]
            pos = 14
            while et in (0x8100, 0x88A8):
                et = struct.unpack_from("!H", frame, pos + 2)[0]
                pos += 4
            ip = frame[pos:] if et in (0x0800, 0x86DD) else b""
        elif linktype in (12, 101, 14):
            ip = frame
        elif linktype == 113:
            ip = frame[16:]
        elif linktype == 0:
            ip = frame[4:]
        else:
            raise ValueError("%s: link type %d not handled" % (path, linktype))
        p = _udp_from_ip(ip)
        if p is not None:
            out.append(p)
    return out


def v5_expected(payload):
    """Records flowdex's NetFlow v5 decoder must produce for one datagram (0 if refused)."""
    if len(payload) < 24 or struct.unpack_from("!H", payload, 0)[0] != 5:
        return 0
    count = struct.unpack_from("!H", payload, 2)[0]
    if count == 0 or count > 30 or len(payload) - 24 < count * 48:
        return 0
    return count
