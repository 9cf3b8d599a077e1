"""What a scanned page holds, for choosing how to compress it: black on white (a form, a letter),
shades of grey (a photocopy of an ID card, a grey scan of a photo), or colour (a red seal, a
colour photo).

A page is looked at in a quarter-size copy: text pages have almost only paper and ink, with few
mid-tones (the edges of letters); photos are mostly mid-tones; colour is a share of pixels whose
channels differ clearly (the tint of old or recycled paper stays below it).
"""

from __future__ import annotations

from enum import StrEnum

from PIL import Image, ImageChops

#: Channels differing by more than this is colour, not a tint of paper or the scanner's noise.
CHROMA_MIN = 48
#: Share of coloured pixels that makes a page colour (a small red seal is about 0.5-1 %).
COLOUR_SHARE = 0.003
#: Share of mid-tones (between ink and paper) above which a page is a grey image, not text.
GREY_SHARE = 0.15
MID_TONES = range(72, 184)
#: Ink and paper differ by at least this; less is a blank page's grain, split at BLANK_LEVEL.
MIN_INK_CONTRAST = 80
BLANK_LEVEL = 127
SAMPLE_FACTOR = 4


class PageTone(StrEnum):
    """How a page is stored: CCITT G4 (1 bit), greyscale JPEG, colour JPEG. Never shown by
    name: the page editor shows the pages themselves."""

    BILEVEL = "bilevel"
    GREY = "grey"
    COLOUR = "colour"


def classify(image: Image.Image) -> PageTone:
    """The tone a page needs (``image`` in mode "1", "L" or "RGB")."""
    if image.mode == "1":
        return PageTone.BILEVEL
    sample = image.reduce(SAMPLE_FACTOR) if min(image.size) >= 8 * SAMPLE_FACTOR else image
    if sample.mode == "RGB" and _share(_chroma(sample), range(CHROMA_MIN, 256)) > COLOUR_SHARE:
        return PageTone.COLOUR
    grey = sample.convert("L")
    return PageTone.GREY if _share(grey, MID_TONES) > GREY_SHARE else PageTone.BILEVEL


def to_bilevel(image: Image.Image) -> Image.Image:
    """Black ink on white paper (mode "1"), split at the level that separates them best."""
    grey = image if image.mode == "L" else image.convert("L")
    level = ink_level(grey.histogram())
    return grey.point([255 if v > level else 0 for v in range(256)], "1")


def ink_level(histogram: list[int]) -> int:
    """The grey level at or below which a pixel is ink: Otsu's split of the histogram, unless
    the two sides hardly differ (a blank page, the back of a sheet: splitting the paper's own
    grain would print half of it black), then mid-grey."""
    level, dark, light = otsu_split(histogram)
    return level if light - dark >= MIN_INK_CONTRAST else BLANK_LEVEL


def otsu_split(histogram: list[int]) -> tuple[int, float, float]:
    """Otsu's threshold (the grey level that best splits a histogram into two classes) and the
    mean level of each class."""
    total = sum(histogram)
    weighted = sum(i * n for i, n in enumerate(histogram))
    below = below_sum = 0
    best, split = -1.0, (BLANK_LEVEL, 0.0, 255.0)
    for i, n in enumerate(histogram):
        below += n
        below_sum += i * n
        above = total - below
        if below == 0 or above == 0:
            continue
        dark, light = below_sum / below, (weighted - below_sum) / above
        spread = below * above * (dark - light) ** 2
        if spread > best:
            best, split = spread, (i, dark, light)
    return split


def _chroma(image: Image.Image) -> Image.Image:
    """Per pixel, how far apart its channels are (0 for any grey)."""
    r, g, b = image.split()
    high = ImageChops.lighter(ImageChops.lighter(r, g), b)
    low = ImageChops.darker(ImageChops.darker(r, g), b)
    return ImageChops.subtract(high, low)


def _share(grey: Image.Image, levels: range) -> float:
    histogram = grey.histogram()
    return sum(histogram[levels.start : levels.stop]) / max(1, sum(histogram))
