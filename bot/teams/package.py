"""``python -m bot.teams.package``: the Teams app package (a zip) to sideload or upload.

The zip holds ``appPackage/manifest.json`` with the bot's Microsoft App ID in
place of ``${{BOT_ID}}``, and the two icons Teams requires: ``color.png``
(192x192, full colour) and ``outline.png`` (32x32, white on transparent).
``--draw-icons`` redraws the committed icons.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import zipfile
from pathlib import Path

from PIL import Image, ImageDraw

from index.config import ConfigurationError, Settings

BOT_ID_PLACEHOLDER = "${{BOT_ID}}"
ICONS = ("color.png", "outline.png")
_GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)
# The committed manifest's stand-in for the organisation's own web address: a package still holding it goes to Teams with
# someone else's website, privacy and terms links (a new deployer's trial built one without a word).
EXAMPLE_SITE = "example.nhs.uk"
# The icon's colours (RGBA): NHS Blue (#005EB8) and white.
_NHS_BLUE = (0, 94, 184, 255)
_WHITE = (255, 255, 255, 255)
_SUPERSAMPLE = 4  # draw large, then scale down, for smooth edges


def build_package(folder: Path, app_id: str, out: Path) -> Path:
    """Writes the zip: the manifest with ``app_id`` filled in, and the icons."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8").replace(BOT_ID_PLACEHOLDER, app_id))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
        for icon in ICONS:
            package.write(folder / icon, icon)
    return out


def draw_icons(folder: Path) -> None:
    """A speech bubble holding lines of text: white on NHS blue, and as a white outline."""
    _draw(192, background=_NHS_BLUE, filled=True).save(folder / "color.png")
    _draw(32, background=(255, 255, 255, 0), filled=False).save(folder / "outline.png")


def _draw(size: int, background: tuple[int, ...], filled: bool) -> Image.Image:
    big = size * _SUPERSAMPLE
    image = Image.new("RGBA", (big, big), background)
    pen = ImageDraw.Draw(image)
    unit = big / 32  # shapes are laid out on a 32x32 grid
    box = [4 * unit, 6 * unit, 28 * unit, 23 * unit]
    tail = [(9 * unit, 22 * unit), (9 * unit, 28 * unit), (15 * unit, 22 * unit)]
    stroke = round(2 * unit)
    if filled:
        pen.rounded_rectangle(box, radius=4 * unit, fill=_WHITE)
        pen.polygon(tail, fill=_WHITE)
    else:
        pen.rounded_rectangle(box, radius=4 * unit, outline=_WHITE, width=stroke)
        pen.line(tail, fill=_WHITE, width=stroke, joint="curve")
    text_colour = background if filled else _WHITE
    for row, length in ((11, 16), (15.5, 11)):
        pen.line([(8 * unit, row * unit), ((8 + length) * unit, row * unit)], fill=text_colour, width=stroke)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main(argv: list[str] | None = None) -> int:
    try:
        settings = Settings.from_env()
    except ConfigurationError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2
    parser = argparse.ArgumentParser(prog="python -m bot.teams.package", description="Zip the Teams app package.")
    parser.add_argument("--app-id", default=settings.app_id, help="the bot's Microsoft App ID (default: MicrosoftAppId)")
    parser.add_argument("--out", type=Path, default=Path("ics-knowledge-teams.zip"), help="zip to write (default: %(default)s)")
    parser.add_argument("--folder", type=Path, default=Path("appPackage"), help="manifest and icons (default: %(default)s)")
    parser.add_argument("--draw-icons", action="store_true", help="redraw color.png and outline.png first")
    args = parser.parse_args(argv)
    if not args.app_id:
        parser.error("the bot's Microsoft App ID (a GUID) is needed: pass --app-id or set MicrosoftAppId")
    if not _GUID.match(args.app_id):
        parser.error("the Microsoft App ID is not a GUID (such as 6b1f4c2e-0d7a-4e55-9a3b-2c1d5e6f7a8b): copy it from the Azure Bot's Configuration page")
    if not (args.folder / "manifest.json").is_file():  # the re-review: a traceback
        parser.error(f"{args.folder} holds no manifest.json: give the folder of the Teams app (--folder appPackage)")
    if args.draw_icons:
        draw_icons(args.folder)
    print(f"Wrote {build_package(args.folder, args.app_id, args.out)}")
    if EXAMPLE_SITE in (args.folder / "manifest.json").read_text(encoding="utf-8"):
        print(
            f"Warning: the manifest's developer block still names {EXAMPLE_SITE}: put your organisation's name, website, "
            f"privacy and terms pages in {args.folder / 'manifest.json'} before uploading the package.",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
