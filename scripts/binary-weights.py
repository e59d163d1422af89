#!/usr/bin/env python3
"""Which crate a function binary's bytes belong to, from the symbols of an unstripped build.

    CARGO_PROFILE_RELEASE_STRIP=false cargo lambda build --release --arm64 --bin auth
    scripts/binary-weights.py target/lambda/auth/bootstrap [ROWS]

Code and read-only data symbols are summed per crate; generic code of the standard library made
for a type (`core::ptr::drop_in_place<aws_sdk_s3::…>`) is charged to that type's crate, and
symbols without a Rust path (C libraries: aws-lc, libc; assembly) are one row. Needs llvm-nm.
"""
import collections
import re
import subprocess
import sys

STD = ("core", "alloc", "std")


def crate_of(symbol: str) -> str:
    for escaped, plain in (("$LT$", "<"), ("$GT$", ">"), ("$u20$", " "), ("$RF$", "&"), ("$BP$", "*"), ("$C$", ","), ("..", "::")):
        symbol = symbol.replace(escaped, plain)
    symbol = re.sub(r"^(impl |dyn |mut |const )+", "", symbol.lstrip("_<&*( "))
    if "::" not in symbol:
        return "[no Rust path: C, assembly]"
    crate = symbol.split("::", 1)[0].split("<")[0]
    if crate in STD:
        made_for = re.search(r"<([a-z_][a-z0-9_]*)::", symbol)
        if made_for and made_for.group(1) not in STD:
            return made_for.group(1)
    return crate


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    listing = subprocess.run(
        ["llvm-nm", "--print-size", "--size-sort", "--demangle", "--radix=d", sys.argv[1]],
        capture_output=True, text=True, check=True,
    ).stdout
    weights: collections.Counter[str] = collections.Counter()
    for line in listing.splitlines():
        fields = line.split(None, 3)
        if len(fields) == 4 and fields[2].lower() in ("t", "r"):
            weights[crate_of(fields[3])] += int(fields[1])
    total = sum(weights.values())
    print(f"{'crate':40} {'KiB':>8} {'share':>6}")
    for crate, size in weights.most_common(rows):
        print(f"{crate:40} {size / 1024:8.0f} {size / total:6.1%}")
    print(f"{'all named code and read-only data':40} {total / 1024:8.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
