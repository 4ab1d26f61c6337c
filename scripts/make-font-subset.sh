#!/usr/bin/env bash
# Regenerates assets/fonts/NotoSansCJKsc-Zhuxiao-subset.otf, the CJK font embedded in
# certificate PDFs (src/certificates/certificate-pdf.ts). See assets/fonts/README.md.
#
# Needs: Debian packages fonts-noto-cjk and python3-fonttools (or any python3 with fontTools).
# Usage: scripts/make-font-subset.sh [path/to/NotoSansCJK-Regular.ttc]
#
# Re-run it whenever Chinese text outside GB2312 level 1 is added to the repository
# (agreement, certificate or UI text): every non-ASCII character found under src/, web/src/
# and docs/ is added to the subset.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source_font="${1:-/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc}"
out="$repo_root/assets/fonts/NotoSansCJKsc-Zhuxiao-subset.otf"

# Debian's python3-fonttools lives in /usr/bin/python3; a pyenv/venv python3 earlier on PATH
# may not have it.
python=""
for candidate in python3 /usr/bin/python3; do
  if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import fontTools' 2>/dev/null; then
    python="$candidate"
    break
  fi
done
if [[ -z "$python" ]]; then
  echo "fontTools not found: apt-get install python3-fonttools (or pip install fonttools)" >&2
  exit 1
fi
if [[ ! -f "$source_font" ]]; then
  echo "source font not found: $source_font (apt-get install fonts-noto-cjk)" >&2
  exit 1
fi

# Index of "Noto Sans CJK SC" (PostScript name NotoSansCJKsc-Regular) inside the collection.
font_number="$("$python" - "$source_font" <<'PY'
import sys
from fontTools.ttLib import TTCollection
for i, font in enumerate(TTCollection(sys.argv[1], lazy=True).fonts):
    if font["name"].getDebugName(6) == "NotoSansCJKsc-Regular":
        print(i)
        break
else:
    sys.exit("NotoSansCJKsc-Regular not found in " + sys.argv[1])
PY
)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The code points to keep, one U+XXXX per line.
"$python" - "$repo_root" > "$work/unicodes.txt" <<'PY'
import os, sys

root = sys.argv[1]
cps = set()

def span(lo, hi):
    cps.update(range(lo, hi + 1))

span(0x0020, 0x007E)  # ASCII
span(0x00A0, 0x00BF)  # Latin-1 punctuation and symbols (incl. ¥ U+00A5, · U+00B7)
cps.update((0x00D7, 0x00F7))  # × ÷
span(0x2010, 0x2027)  # general punctuation: dashes, quotes, bullet, ellipsis
span(0x2030, 0x203B)  # per mille, primes, reference mark
cps.update((0x20AC, 0x2103, 0x2116, 0x2122))  # € ℃ № ™
span(0x2190, 0x2193)  # arrows
span(0x2460, 0x2473)  # circled numbers ①..⑳
cps.update((0x25A0, 0x25A1, 0x25B2, 0x25B3, 0x25CB, 0x25CF, 0x2605, 0x2606, 0x2713, 0x2714))
span(0x3000, 0x303F)  # CJK symbols and punctuation
span(0xFF01, 0xFF5E)  # full-width ASCII forms
span(0xFFE0, 0xFFE6)  # full-width ￠ ￡ ￢ ￣ ￤ ￥ ￦

# GB2312 level-1 hanzi (the 3,755 common characters): rows 16-55, i.e. bytes B0A1..D7F9.
for hi in range(0xB0, 0xD8):
    for lo in range(0xA1, 0xFF):
        if hi == 0xD7 and lo > 0xF9:
            break
        cps.add(ord(bytes((hi, lo)).decode("gb2312")))

# Every non-ASCII character of the repository's own text (certificate, agreement, UI strings).
text_ext = (".ts", ".tsx", ".js", ".mjs", ".json", ".md", ".txt", ".html", ".sql", ".yaml", ".yml")
for top in ("src", "web/src", "docs"):
    for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
        dirnames[:] = sorted(d for d in dirnames if d not in ("node_modules", "dist"))
        for name in sorted(filenames):
            if name.endswith(text_ext):
                with open(os.path.join(dirpath, name), encoding="utf-8", errors="ignore") as f:
                    cps.update(ord(c) for c in f.read() if ord(c) > 0x7E)

for cp in sorted(cps):
    print("U+%04X" % cp)
PY

# SOURCE_DATE_EPOCH pins head.modified so the output is byte-for-byte reproducible.
SOURCE_DATE_EPOCH=1609459200 "$python" -m fontTools.subset "$source_font" \
  --font-number="$font_number" \
  --unicodes-file="$work/unicodes.txt" \
  --layout-features-='locl,vert,vrt2,vkrn,vpal,valt' \
  --name-IDs='*' \
  --notdef-outline \
  --output-file="$out"

"$python" - "$out" <<'PY'
import os, sys
from fontTools.ttLib import TTFont
f = TTFont(sys.argv[1], lazy=True)
print("%s: %d glyphs, %d code points, %.2f MB" % (
    sys.argv[1], f["maxp"].numGlyphs, len(f.getBestCmap()), os.path.getsize(sys.argv[1]) / 1e6))
PY
