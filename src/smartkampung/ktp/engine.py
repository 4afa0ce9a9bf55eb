"""The OCR engine: one RapidOCR per process, loaded on first use, with the models that ship inside the rapidocr
wheel (PP-OCRv6 small detection and recognition, the mobile direction classifier). Nothing is ever downloaded:
every model is given by its path, so rapidocr never reaches its download code.

Inference is bounded by a semaphore (settings.KTP_READS_AT_ONCE): onnxruntime already spreads one read over the
cores, so two reads at once only make both slower and double the memory of the activations.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import threading
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from django.conf import settings

log = logging.getLogger(__name__)

# The models inside the wheel: (config section, file name).
MODEL_FILES = {
    "Det": "PP-OCRv6_det_small.onnx",
    "Rec": "PP-OCRv6_rec_small.onnx",
    "Cls": "ch_ppocr_mobile_v2.0_cls_mobile.onnx",
}

# The detector looks at the flat card (image.CARD_WIDTH, 1000 px) shrunk to 800 px across: it finds the card's
# smallest print there as well as at 1000 px (measured on the benchmark's cards), in 20 % less time and with
# ~60 MB less memory at its peak (its intermediate tensors grow with the area). The recogniser still reads each
# box from the full-size card.
DET_LIMIT_SIDE = 800
# Boxes recognised at once: the recogniser pads a batch to its widest box, so one at a time wastes nothing. On 80
# of the benchmark's cards one box at a time kept a read's largest extra memory at ~143 MB against ~165 MB for 3
# (rapidocr's default 6: more), at the same speed (p50 0.54 s against 0.56 s).
REC_BATCH = 1


@dataclass(frozen=True)
class Line:
    """One text box the OCR read: its text, the recogniser's confidence (0..1) and its four corners (x, y) in the
    image's pixels, clockwise from the top left."""

    text: str
    score: float
    box: tuple[tuple[float, float], ...]

    @property
    def left(self) -> float:
        return min(x for x, _ in self.box)

    @property
    def right(self) -> float:
        return max(x for x, _ in self.box)

    @property
    def top(self) -> float:
        return min(y for _, y in self.box)

    @property
    def bottom(self) -> float:
        return max(y for _, y in self.box)

    @property
    def centre_y(self) -> float:
        return sum(y for _, y in self.box) / len(self.box)

    @property
    def height(self) -> float:
        return self.bottom - self.top


_engine = None
_engine_lock = threading.Lock()
_reads: threading.BoundedSemaphore | None = None
load_seconds: float | None = None  # how long the model took to load in this process (the benchmark reports it)


def models_dir() -> Path:
    """The rapidocr wheel's own models folder (read only: nothing is written there)."""
    import rapidocr

    return Path(rapidocr.__file__).resolve().parent / "models"


def _params() -> dict:
    models = models_dir()
    return {
        # rapidocr's own logger says INFO on every load and WARNING on a blank image: keep our logs clean.
        "Global.log_level": "critical",
        "Global.model_root_dir": str(models),
        "Det.model_path": str(models / MODEL_FILES["Det"]),
        "Rec.model_path": str(models / MODEL_FILES["Rec"]),
        "Cls.model_path": str(models / MODEL_FILES["Cls"]),
        "Det.limit_side_len": DET_LIMIT_SIDE,
        "Rec.rec_batch_num": REC_BATCH,
        "Det.limit_type": "max",
    }


def _session(path: Path):
    """An onnxruntime session for one model, made here rather than by rapidocr, for two options it does not
    offer: the threads (settings.KTP_OCR_THREADS, 0 = onnxruntime's choice, one a core) and no spinning. Idle
    onnxruntime threads spin on the cores waiting for work; in a web process that shares two cores with
    Django, that doubled the CPU a read takes and made it slower, not faster."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.log_severity_level = 4  # onnxruntime's own warnings are for its developers
    options.enable_cpu_mem_arena = False  # as rapidocr does: the arena keeps the largest image's memory forever
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.add_session_config_entry("session.inter_op.allow_spinning", "0")
    if settings.KTP_OCR_THREADS > 0:
        options.intra_op_num_threads = settings.KTP_OCR_THREADS
    options.inter_op_num_threads = 1
    return onnxruntime.InferenceSession(str(path), sess_options=options, providers=["CPUExecutionProvider"])


def get_engine():
    """The process's RapidOCR, loaded on first use (thread-safe)."""
    global _engine, load_seconds  # noqa: PLW0603 - one engine per process, by design
    if _engine is None:
        with _engine_lock:
            if _engine is None:
                started = time.perf_counter()
                from omegaconf import flag_override
                from rapidocr import RapidOCR

                engine = RapidOCR(params=_params())
                # rapidocr takes a ready session in a model's config (its "session" key) and then neither looks
                # for nor downloads a file.
                for part, name in MODEL_FILES.items():
                    with flag_override(engine.cfg, "allow_objects", True):
                        engine.cfg[part].session = _session(models_dir() / name)
                # rapidocr loads each model on its first use: load them now, under our lock, so the first read
                # is not the slow one and a failure shows at load time.
                engine._load_det_model()
                engine._load_cls_model()
                engine._load_rec_model()
                _engine = engine
                load_seconds = time.perf_counter() - started
                log.info("KTP OCR model loaded in %.2f s", load_seconds)
    return _engine


def _semaphore() -> threading.BoundedSemaphore:
    global _reads  # noqa: PLW0603
    if _reads is None:
        with _engine_lock:
            if _reads is None:
                _reads = threading.BoundedSemaphore(max(1, settings.KTP_READS_AT_ONCE))
    return _reads


def detect(image: np.ndarray) -> list[np.ndarray]:
    """The text boxes in a BGR image (each 4 x 2 float32 corners, clockwise from the top left), top to bottom."""
    engine = get_engine()
    with _semaphore():
        found = engine.text_det(image)
    if found.boxes is None:
        return []
    return [np.asarray(box, np.float32) for box in found.boxes]


def read_boxes(image: np.ndarray, boxes: list[np.ndarray], *, use_cls: bool = False) -> list[Line]:
    """The text of each box (boxes as `detect` gives them); boxes read as nothing are left out. `use_cls` turns a
    box read upside down first (not needed on a card the reader flattened itself)."""
    if not boxes:
        return []
    from rapidocr.ch_ppocr_rec import TextRecInput
    from rapidocr.utils.process_img import get_rotate_crop_image

    engine = get_engine()
    crops = [get_rotate_crop_image(image, box.copy()) for box in boxes]
    with _semaphore():
        if use_cls:
            crops = engine.text_cls(crops).img_list
        result = engine.text_rec(TextRecInput(img=crops))
    lines = []
    for box, text, score in zip(boxes, result.txts or (), result.scores or (), strict=False):
        if str(text).strip():
            corners = tuple((float(x), float(y)) for x, y in box)
            lines.append(Line(text=str(text), score=float(score), box=corners))
    return lines


@cache
def _libc():
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:  # not glibc: nothing to trim
        return None


def release_memory() -> None:
    """Hand the memory a read freed back to the system. onnxruntime's intermediate tensors for one photo take
    ~200 MB and glibc keeps freed memory in its heaps, so without this a web worker's memory only grows."""
    libc = _libc()
    if libc is not None and hasattr(libc, "malloc_trim"):
        libc.malloc_trim(0)


def recognise(image: np.ndarray, *, use_cls: bool = True) -> list[Line]:
    """The text lines in a BGR image, top to bottom."""
    return read_boxes(image, detect(image), use_cls=use_cls)
