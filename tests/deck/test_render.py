"""The decks open in LibreOffice Impress (Debian's, installed by scripts/ensure-libreoffice.sh) and every page
renders with content: a converter that could not read a chart or table would leave its area blank."""
from __future__ import annotations

import subprocess
from pathlib import Path

from PIL import Image, ImageStat
from pptx import Presentation

REPO = Path(__file__).resolve().parents[2]


def _pixel_spread(image: Image.Image) -> float:
    """Standard deviation of the grey levels: 0 for a blank (single-colour) area."""
    return ImageStat.Stat(image.convert("L")).stddev[0]


def test_every_page_renders_with_content(built_decks: dict[str, Path], tmp_path: Path) -> None:
    subprocess.run(["bash", str(REPO / "scripts" / "ensure-libreoffice.sh")], check=True, timeout=1800)
    profile = (tmp_path / "profile").as_uri()  # a private profile: parallel runs do not share a lock
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), *map(str, built_decks.values())],
                   check=True, timeout=180, capture_output=True)
    for name, pptx in built_decks.items():
        pdf = tmp_path / f"{name}.pdf"
        subprocess.run(["pdftoppm", "-r", "30", "-png", str(pdf), str(tmp_path / name)], check=True, timeout=60)
        pages = sorted(tmp_path.glob(f"{name}-*.png"))
        assert len(pages) == len(Presentation(str(pptx)).slides), name
        for page in pages:
            with Image.open(page) as image:
                width, height = image.size
                assert _pixel_spread(image) > 5, f"{page.name} is blank"
                body = image.crop((0, int(height * 0.18), width, int(height * 0.78)))  # between title and notes
                assert _pixel_spread(body) > 5, f"{page.name} has nothing in its body"
