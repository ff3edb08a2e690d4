"""OCR for scanned pages and image files, offline.

The engine is RapidOCR on ONNX Runtime (``rapidocr-onnxruntime``): PP-OCRv4 detection and
recognition models that ship inside the package, verified by their sha256 before first use (like the
embedding model), never downloaded. A PDF page without a text layer is rendered with pdfium
(``pypdfium2``) at ``FAPREP_OCR_DPI``; an image file (PNG, JPEG, TIFF, every frame of a TIFF) is
read as it is. The recognised boxes are put back in reading order (top to bottom, then left to right
within a line). A page's confidence is the mean of its boxes' recognition scores; a page below
``FAPREP_OCR_MIN_CONFIDENCE`` is reported, not indexed.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.errors import DocumentError, ModelIntegrityError

log = logging.getLogger(__name__)

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff"}
# sha256 of the models shipped in rapidocr-onnxruntime 1.4.4, checked before the first page
MODEL_SHA256 = {
    "ch_PP-OCRv4_det_infer.onnx": "d2a7720d45a54257208b1e13e36a8479894cb74155a5efe29462512d42f49da9",
    "ch_PP-OCRv4_rec_infer.onnx": "48fc40f24f6d2a207a2b1091d3437eb3cc3eb6b676dc3ef9c37384005483683b",
    "ch_ppocr_mobile_v2.0_cls_infer.onnx": "e47acedf663230f8863ff1ab0e64dd2d82b838fceb5957146dab185a89d6215c",
}
MIN_TEXT_CHARS = 20  # a PDF page with less extracted text than this is treated as scanned


@dataclass(frozen=True)
class OcrOptions:
    enabled: bool = True
    dpi: int = 200
    min_confidence: float = 0.6


@dataclass
class OcrPage:
    text: str
    confidence: float  # mean recognition score of the page's boxes; 0 when nothing was read
    boxes: int


def model_dir() -> Path:
    import rapidocr_onnxruntime

    return Path(rapidocr_onnxruntime.__file__).resolve().parent / "models"


def verify_models(folder: Path | None = None) -> dict[str, str]:
    """{file: sha256} of the OCR models (in the installed package, or ``folder``), or ``ModelIntegrityError``
    naming the file that is missing or altered."""
    if folder is None:
        try:
            folder = model_dir()
        except ImportError as exc:
            raise ModelIntegrityError(f"the OCR engine is not installed ({exc.name}): run make install") from None
    out = {}
    for name, want in MODEL_SHA256.items():
        path = folder / name
        if not path.is_file():
            raise ModelIntegrityError(f"OCR model {path} is missing: reinstall rapidocr-onnxruntime")
        got = hashlib.sha256(path.read_bytes()).hexdigest()
        if got != want:
            raise ModelIntegrityError(f"OCR model {path} has sha256 {got}, expected {want}: reinstall it")
        out[name] = got
    return out


class _Engine:
    """One RapidOCR instance per process, models verified once, used by one thread at a time."""

    def __init__(self) -> None:
        self._ocr: Any = None
        self._lock = threading.Lock()

    def read(self, image) -> OcrPage:
        with self._lock:
            if self._ocr is None:
                verify_models()
                from rapidocr_onnxruntime import RapidOCR

                # no angle classifier: it turned whole lines of upright scans upside down (the bench's mean
                # character error 0.145 -> 0.003); one line a recogniser run, as a batch pads every line to
                # its widest and long document lines vary most (0.42 -> 0.69 pages/s, docs/ingestion.md)
                self._ocr = RapidOCR(use_cls=False, rec_batch_num=1)
            page = _clean(image)
            read = _reading_order(self._read(page))
            if read.confidence < UPSIDE_DOWN_BELOW:  # a page fed upside down reads as noise: turned, it may not
                turned = _reading_order(self._read(page[::-1, ::-1].copy()))
                read = turned if turned.confidence > read.confidence else read
        return read

    def _read(self, full) -> list:
        """Text lines found on the page scaled to ``DETECT_SIDE`` (the detector's time grows with the
        pixels, its boxes do not need them) and read from the full-resolution page (the recogniser does)."""
        import cv2
        import numpy as np

        height, width = full.shape[:2]
        scale = min(1.0, DETECT_SIDE / max(height, width))
        small = full
        if scale < 1.0:
            small = cv2.resize(full, (round(width * scale), round(height * scale)), interpolation=cv2.INTER_AREA)
        found, _ = self._ocr(small, use_det=True, use_cls=False, use_rec=False)
        if not found:
            return []
        boxes = [np.asarray(b, dtype=np.float32) / scale for b in found]
        texts, _ = self._ocr.text_rec(self._ocr.get_crop_img_list(full, boxes))
        return [
            (box.tolist(), read[0], float(read[1]))
            for box, read in zip(boxes, texts)
            if float(read[1]) >= self._ocr.text_score
        ]


UPSIDE_DOWN_BELOW = 0.8  # a page read with less mean confidence is read again turned 180 degrees
DETECT_SIDE = 1280  # the longer side text lines are detected at (a 200 dpi letter page is 2200 pixels)
ENGINE = _Engine()


def _clean(image):
    """A scan as the recogniser reads it best: grey, speckle removed (3x3 median), back to RGB, as an
    array (OpenCV, which the OCR engine brings: the same pixels as PIL's median filter, 70 times faster)."""
    import cv2
    import numpy as np

    grey = np.asarray(image.convert("L"))
    return cv2.cvtColor(cv2.medianBlur(grey, 3), cv2.COLOR_GRAY2RGB)


_JOINED = [
    (re.compile(r"(?<=[a-z])(?=[A-Z0-9])"), " "),  # "Forentry" + "NWG-..." read as one: "ForentryNWG-2024001-1"
    (re.compile(r"(?<=[A-Za-z.][:;])(?=[A-Za-z0-9$])"), " "),  # "No.:EV-2024001" (not "10:30")
    (re.compile(r"(?<=,)(?=[A-Za-z$])"), " "),  # "mat,HTS" (not "3,000")
    (re.compile(r"(?<=\d)(?=[a-z]{3,})"), " "),  # "KM-2040alphabet", "3,000pcs" (not "2nd", "10th")
    (re.compile(r"(\d)([A-Z]) (?=[a-z]{2,})"), r"\1 \2"),  # "HL7-0102159-6E ntry type": a word's capital glued on
    (re.compile(r"(?<=\d)(?=[A-Z][a-z]{2,})"), " "),  # "HL7-0102159-6Entry type", "2704Los Angeles"
    (re.compile(r"(?<=[a-z]\.)(?=[A-Z][a-z])"), " "),  # "Inc.Filer code" (not "U.S.")
    (re.compile(r"(\d[-/][A-Z0-9]*[A-Z])(?=[a-z]{3,})"), r"\1 "),  # "7731-ABfloormat": an id, then a word
]


def respace(text: str) -> str:
    """Put back the spaces the recogniser tends to drop where a word visibly ends: a lower-case letter
    followed by a capital or a digit ("ForentryNWG-2024001-1" → "Forentry NWG-2024001-1"), and after
    ``:``, ``;`` or ``,``. Identifiers keep their shape: capitals and digits are never split apart."""
    text = unicodedata.normalize("NFKC", text)  # full-width "，" "：" "（" the recogniser may return
    for pattern, repl in _JOINED:
        text = pattern.sub(repl, text)
    return text


def _reading_order(result: list) -> OcrPage:
    """Boxes [(corners, text, score)] → text lines top to bottom, left to right within a line."""
    boxes = []
    for corners, text, score in result:
        ys = [p[1] for p in corners]
        xs = [p[0] for p in corners]
        boxes.append((min(ys), max(ys), min(xs), str(text), float(score)))
    boxes.sort(key=lambda b: (b[0] + b[1]) / 2)
    lines: list[list[tuple]] = []
    for b in boxes:
        mid = (b[0] + b[1]) / 2
        if lines:
            last = lines[-1]
            top, bottom = min(x[0] for x in last), max(x[1] for x in last)
            if top <= mid <= bottom:
                last.append(b)
                continue
        lines.append([b])
    text = "\n".join(respace(" ".join(x[3] for x in sorted(line, key=lambda x: x[2]))) for line in lines)
    confidence = sum(b[4] for b in boxes) / len(boxes) if boxes else 0.0
    return OcrPage(text=text, confidence=confidence, boxes=len(boxes))


def render_pdf_page(path: Path, index: int, dpi: int):
    """Page ``index`` (0-based) of a PDF as a PIL image at ``dpi``."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        page = pdf[index]
        return page.render(scale=dpi / 72).to_pil()
    finally:
        pdf.close()


def image_frames(path: Path) -> list:
    """The frames of an image file (several for a multi-page TIFF), as PIL images."""
    from PIL import Image, ImageSequence, UnidentifiedImageError

    try:
        with Image.open(path) as img:
            return [frame.copy() for frame in ImageSequence.Iterator(img)]
    except (UnidentifiedImageError, OSError) as exc:
        raise DocumentError(f"not a readable image ({exc.__class__.__name__})") from exc
