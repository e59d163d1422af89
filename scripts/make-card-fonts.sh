#!/usr/bin/env bash
# Makes the fonts a site's social card and favicon are drawn with
# (crates/sites/fonts/), from Debian's packages, cut down to the characters names
# are written in. Not part of CI: the fonts are checked in. Needs fonts-dejavu-core,
# fonts-droid-fallback, fonts-nanum and fonttools (pip).
set -euo pipefail
out="$(cd "$(dirname "$0")/.." && pwd)/crates/sites/fonts"
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
# The 2,350 Hangul syllables of KS X 1001 (those EUC-KR writes in two bytes: what Korean names
# are written in) and the compatibility jamo. Droid Sans Fallback has no Hangul.
hangul=$(python3 - <<'PY'
codes = []
for cp in range(0xAC00, 0xD7A4):
    try:
        if len(chr(cp).encode("euc_kr")) == 2:
            codes.append(f"U+{cp:04X}")
    except UnicodeEncodeError:
        pass
print(",".join(codes))
PY
)
python3 -m fontTools.subset /usr/share/fonts/truetype/nanum/NanumGothicBold.ttf \
  --unicodes="U+3130-318F,$hangul" --no-hinting --output-file="$out/card-hangul.ttf"
# A cut-down font is a Modified Version under the OFL, which may not carry the Reserved Font
# Names (Nanum, NanumGothic...): it is renamed.
python3 - "$out/card-hangul.ttf" <<'PY'
import sys
from fontTools.ttLib import TTFont
font = TTFont(sys.argv[1])
for record in font["name"].names:
    if record.nameID in (1, 3, 4, 6, 16):
        name = {1: "R2W Card Hangul", 3: "R2W Card Hangul Bold", 4: "R2W Card Hangul Bold",
                6: "R2WCardHangul-Bold", 16: "R2W Card Hangul"}[record.nameID]
        record.string = name
font.save(sys.argv[1])
PY
# The two East Asian fonts are kept zlib-compressed (3.0 MB -> 1.5 MB) in east-asian/, the
# fonts layer of the functions that publish sites; crates/sites inflates them the first time a
# name needs them.
for font in card-cjk card-hangul; do
  python3 -c 'import sys, zlib; open(sys.argv[2], "wb").write(zlib.compress(open(sys.argv[1], "rb").read(), 9))' \
    "$out/$font.ttf" "$out/east-asian/$font.ttf.zlib"
  rm "$out/$font.ttf"
done
ls -l "$out"/*.ttf "$out"/east-asian/*.zlib
