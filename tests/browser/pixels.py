"""Just enough PNG decoding (standard library) to tell a rendered page from a blank one."""
from __future__ import annotations

import struct
import zlib
from collections import Counter

CHANNELS = {2: 3, 6: 4}  # PNG colour type -> bytes per pixel at 8 bits: RGB, RGBA


def pixels(png: bytes) -> list[bytes]:
    """Every pixel of an 8-bit, non-interlaced RGB(A) PNG, as raw bytes, row by row."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    position, data, header = 8, b"", None
    while position < len(png):
        length, kind = struct.unpack(">I4s", png[position:position + 8])
        body = png[position + 8:position + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            data += body
        position += 12 + length
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in CHANNELS and not interlace, f"unexpected PNG format {header}"
    step = CHANNELS[colour]
    raw, stride, previous, out = zlib.decompress(data), width * CHANNELS[colour], bytearray(width * step), []
    for row in range(height):
        kind, line = raw[row * (stride + 1)], bytearray(raw[row * (stride + 1) + 1:(row + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - step] if i >= step else 0
            up, corner = previous[i], previous[i - step] if i >= step else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                guess = left + up - corner
                nearest = min((abs(guess - left), 0, left), (abs(guess - up), 1, up), (abs(guess - corner), 2, corner))
                line[i] = (line[i] + nearest[2]) & 255
        out.extend(bytes(line[x:x + step]) for x in range(0, stride, step))
        previous = line
    return out


def ink_share(png: bytes) -> float:
    """Share of pixels that differ from the most common colour (the background): 0 for a blank page."""
    found = pixels(png)
    background = Counter(found).most_common(1)[0][1]
    return 1 - background / len(found)
