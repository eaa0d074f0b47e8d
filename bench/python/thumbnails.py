"""Pillow doing image-processing's job, for scripts/bench: open, thumbnail to each size, save (JPEG quality 82
or PNG), all in memory. Prints `median_ms peak_rss_kb`. Usage: thumbnails.py <file> <rounds>"""
import io
import resource
import statistics
import sys
import time

from PIL import Image

path, rounds = sys.argv[1], int(sys.argv[2])
data = open(path, "rb").read()
times = []
for _ in range(rounds):
    start = time.perf_counter()
    for size in (600, 300, 150):
        image = Image.open(io.BytesIO(data))
        image.thumbnail((size, size))
        out = io.BytesIO()
        if image.format == "JPEG" or path.endswith(".jpg"):
            image.convert("RGB").save(out, "JPEG", quality=82)
        else:
            image.save(out, "PNG")
    times.append((time.perf_counter() - start) * 1000)
print(f"{statistics.median(times):.0f} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}")
