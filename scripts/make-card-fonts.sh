#!/usr/bin/env bash
# Makes the fonts a site's social card and favicon are drawn with
# (functions/build-portfolio/fonts/), from Debian's packages, cut down to the characters names
# are written in. Not part of CI: the fonts are checked in. Needs fonts-dejavu-core,
# fonts-droid-fallback and fonttools (pip).
set -euo pipefail
out="$(cd "$(dirname "$0")/.." && pwd)/functions/build-portfolio/fonts"
# Latin, Greek, Cyrillic and Hebrew, general punctuation, the euro sign and arrows.
python3 -m fontTools.subset /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf \
  --unicodes="U+0020-024F,U+0300-036F,U+0370-03FF,U+0400-04FF,U+0590-05FF,U+2000-206F,U+20AC,U+2190-21FF" \
  --no-hinting --output-file="$out/card-sans.ttf"
# The ideographs of GB2312, JIS X 0208 and Big5 (Chinese, Japanese and traditional Chinese
# names), kana, CJK punctuation and full-width forms.
ideographs=$(python3 - <<'PY'
codes = []
for cp in range(0x4E00, 0xA000):
    for encoding in ("gb2312", "shift_jis", "big5"):
        try:
            chr(cp).encode(encoding)
        except UnicodeEncodeError:
            continue
        codes.append(f"U+{cp:04X}")
        break
print(",".join(codes))
PY
)
python3 -m fontTools.subset /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf \
  --unicodes="U+3000-30FF,U+FF00-FFEF,$ideographs" --no-hinting --output-file="$out/card-cjk.ttf"
ls -l "$out"/*.ttf
