"""Write docs/BLOCKS.md, the reference of every building block, from spec/blocks.py.

python scripts/blocks_reference.py          # rewrite docs/BLOCKS.md
python scripts/blocks_reference.py --check  # exit 1 when docs/BLOCKS.md is stale (CI, tests)
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "docs" / "BLOCKS.md"


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT))
    from vigil.spec.reference import render_reference

    text = render_reference()
    if "--check" in argv:
        if not TARGET.is_file() or TARGET.read_text() != text:
            print(f"{TARGET} is stale: run `python scripts/blocks_reference.py`", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text)
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
