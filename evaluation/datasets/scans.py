"""Scans made on purpose: text rendered to a page image as a scanner would return it (200 dpi,
grey, a slight skew, sensor noise), saved as an image file or wrapped in an image-only PDF. Used by
the OCR tests and the OCR benchmark, so both measure the same thing."""

from __future__ import annotations

from pathlib import Path

A4_200DPI = (1654, 2339)


def _font(size: int):
    from PIL import ImageFont

    for path in ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans.ttf"):
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


def scan_image(lines: list[str], dpi: int = 200, skew: float = 1.2, noise: float = 18.0, seed: int = 1, size: int = 30):
    """A page with ``lines`` printed on it, scanned: a PIL image (grey)."""
    import numpy as np
    from PIL import Image, ImageDraw

    scale = dpi / 200
    w, h = int(A4_200DPI[0] * scale), int(A4_200DPI[1] * scale)
    img = Image.new("L", (w, h), 255)
    draw = ImageDraw.Draw(img)
    font = _font(int(size * scale))
    y = int(150 * scale)
    for line in lines:
        draw.text((int(120 * scale), y), line, fill=0, font=font)
        y += int(size * 1.8 * scale)
    img = img.rotate(skew, fillcolor=255, resample=Image.Resampling.BILINEAR)
    arr = np.asarray(img).astype(np.int16)
    arr = arr + np.random.default_rng(seed).normal(0, noise, arr.shape).astype(np.int16)
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))


def noise_image(seed: int = 3):
    """A page of scribbles and speckle: what a bad scan of nothing legible looks like."""
    import numpy as np
    from PIL import Image, ImageDraw

    rng = np.random.default_rng(seed)
    img = Image.new("L", A4_200DPI, 255)
    draw = ImageDraw.Draw(img)
    for _ in range(60):
        x, y = rng.integers(0, A4_200DPI[0] - 200), rng.integers(0, A4_200DPI[1] - 60)
        draw.line([(int(x), int(y)), (int(x + rng.integers(20, 200)), int(y + rng.integers(-30, 30)))], fill=0, width=3)
    arr = np.asarray(img).astype(np.int16) + rng.normal(0, 60, (A4_200DPI[1], A4_200DPI[0])).astype(np.int16)
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))


def image_pdf(images: list, path: Path, dpi: int = 200) -> Path:
    """An image-only PDF: each image one page, no text layer (as a scanner's PDF)."""
    images[0].convert("RGB").save(
        path, "PDF", resolution=float(dpi), save_all=True, append_images=[i.convert("RGB") for i in images[1:]]
    )
    return path


def scan_of_pdf_page(pdf: Path, index: int, dpi: int = 200, seed: int = 0, skew: float = 0.8):
    """Page ``index`` of a digital PDF as a scanner returns it: printed on a noisy sheet, slightly skewed."""
    import pypdfium2 as pdfium
    from PIL import ImageChops

    doc = pdfium.PdfDocument(str(pdf))
    try:
        clean = doc[index].render(scale=dpi / 72).to_pil().convert("L")
    finally:
        doc.close()
    sheet = scan_image([], dpi=dpi, seed=seed, skew=0)
    return ImageChops.multiply(clean.resize(sheet.size), sheet).rotate(skew, fillcolor=255)
