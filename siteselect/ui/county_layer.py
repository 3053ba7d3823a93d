"""The counties on the map: one picture recoloured through a look-up table.

Three thousand path items, one per county, cost about 90 ms to recolour and repaint on every
slider step.  Instead the counties are painted once per view (size, zoom or pan) into an
*index image*: each pixel holds the row number of the county under it (0: none).  Colouring
is then a numpy look-up, ``colours[index]``, shown as one pixmap item; the county borders are
one cached path item and the state borders are drawn over them.  The same image answers
"which county is under the pointer": the row found there is confirmed by that county's exact
outline (a pixel on a border may belong to the neighbour), so hover, tooltip and click name
the county the pointer is really in.

The outlines (:func:`siteselect.model.county_geography.load_county_shapes`) are read the first
time counties are shown, never at start-up.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen, QPixmap, QTransform
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem, QGraphicsPixmapItem

from siteselect.model.geography import MapShapes

#: Hatch of a county that is not ranked (a gate or an exclusion): every n-th diagonal pixel.
HATCH_EVERY = 6
COUNTY_BORDER = QColor(255, 255, 255, 150)

_shapes: dict[str, MapShapes] = {}


def county_shapes() -> MapShapes:
    """Every county's display outline, read once (the first time counties are shown)."""
    if "all" not in _shapes:
        from siteselect.model.county_geography import load_county_shapes

        _shapes["all"] = load_county_shapes()
    return _shapes["all"]


def _argb(colour: QColor) -> int:
    return int(colour.rgba()) & 0xFFFFFFFF


class CountyLayer:
    """The counties of a dataset on a map's view box.

    ``codes`` are the counties shown (FIPS, the dataset's order); :meth:`set_colours` takes
    one ARGB colour per county (and which are hatched); :meth:`county_at` is the exact hit
    test.
    """

    def __init__(self, viewbox, shapes: MapShapes, codes: tuple[str, ...],
                 paths: dict[str, QPainterPath]) -> None:
        self.viewbox = viewbox
        self.codes = tuple(codes)
        self.row = {c: i for i, c in enumerate(self.codes)}
        self.paths = [paths[c] for c in self.codes]
        self.boxes = [p.boundingRect() for p in self.paths]
        bounds = QRectF()
        for box in self.boxes:
            bounds = bounds.united(box)
        #: The counties' extent in map coordinates (the view a reset frames).
        self.bounds = bounds
        self.picture = QGraphicsPixmapItem()
        self.picture.setZValue(0.2)
        self.picture.setAcceptedMouseButtons(Qt.NoButton)
        self.picture.setAcceptHoverEvents(False)
        self.picture.setShapeMode(QGraphicsPixmapItem.BoundingRectShape)
        borders = QPainterPath()
        for p in self.paths:
            borders.addPath(p)
        self.borders = QGraphicsPathItem(borders)
        pen = QPen(COUNTY_BORDER, 0.0)  # a hairline at any zoom
        pen.setCosmetic(True)
        self.borders.setPen(pen)
        self.borders.setBrush(Qt.NoBrush)
        self.borders.setZValue(0.4)
        self.borders.setAcceptedMouseButtons(Qt.NoButton)
        # The borders never change with the colouring: replay them from a pixmap.
        self.borders.setCacheMode(QGraphicsItem.DeviceCoordinateCache)
        for item in (self.picture, self.borders):
            viewbox.addItem(item)
        n = len(self.codes)
        self.colours = np.zeros(n + 1, dtype=np.uint32)  # row 0: no county, transparent
        self.hatched = np.zeros(n + 1, dtype=bool)
        self.hatch_colour = _argb(QColor(120, 120, 120))
        self._index: np.ndarray | None = None
        self._hatch_at: np.ndarray | None = None
        self._frame: tuple[float, float, float, float, int, int] | None = None
        self._buffer: np.ndarray | None = None
        #: How many times the index image was painted (a view change paints it again).
        self.renders = 0

    # -- the index image ---------------------------------------------------------------------
    def _view_frame(self) -> tuple[float, float, float, float, int, int] | None:
        vr = self.viewbox.viewRect()
        px, py = self.viewbox.viewPixelSize()
        if not (px > 0 and py > 0 and vr.width() > 0 and vr.height() > 0):
            return None
        w = max(1, math.ceil(vr.width() / px))
        h = max(1, math.ceil(vr.height() / py))
        return vr.left(), vr.bottom(), px, py, w, h

    def is_current(self) -> bool:
        return self._index is not None and self._frame == self._view_frame()

    def render(self) -> bool:
        """Paint the index image for the view as it is now (False: nothing to paint yet)."""
        frame = self._view_frame()
        if frame is None:
            return False
        left, top, px, py, w, h = frame
        image = QImage(w, h, QImage.Format_RGB32)
        image.fill(0)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.Antialiasing, False)
        painter.setPen(Qt.NoPen)
        painter.setTransform(QTransform(1 / px, 0, 0, -1 / py, -left / px, top / py))
        view = QRectF(left, top - h * py, w * px, h * py)
        for i, (path, box) in enumerate(zip(self.paths, self.boxes, strict=True)):
            if box.intersects(view):
                painter.fillPath(path, QColor.fromRgb(i + 1))
        painter.end()
        raw = np.frombuffer(image.constBits(), dtype=np.uint32).reshape(
            h, image.bytesPerLine() // 4)[:, :w]
        self._index = (raw & 0x00FFFFFF).astype(np.int32)
        yy, xx = np.indices((h, w))
        self._hatch_at = np.flatnonzero((xx + yy) % HATCH_EVERY == 0)
        self._frame = frame
        self.picture.setTransform(QTransform(px, 0, 0, -py, left, top))
        self.renders += 1
        self.paint_colours()
        return True

    def ensure_current(self) -> None:
        if not self.is_current():
            self.render()

    # -- colours -----------------------------------------------------------------------------
    def set_colours(self, colours: np.ndarray, hatched: np.ndarray) -> None:
        """One ARGB colour per county (``codes`` order) and whether it is hatched."""
        self.colours[1:] = colours
        self.hatched[1:] = hatched
        self.paint_colours()

    def paint_colours(self) -> None:
        """Colour the index image through the look-up table and show it."""
        if self._index is None:
            return
        idx = self._index
        out = self.colours[idx]
        if self.hatched.any():
            flat = out.reshape(-1)
            at = self._hatch_at
            hatch = self.hatched[idx.reshape(-1)[at]]
            flat[at[hatch]] = self.hatch_colour
        h, w = idx.shape
        self._buffer = np.ascontiguousarray(out)
        image = QImage(self._buffer.data, w, h, 4 * w, QImage.Format_ARGB32)
        self.picture.setPixmap(QPixmap.fromImage(image))

    def colour_at(self, code: str) -> int | None:
        """The ARGB colour a county is filled with (None if it is not shown)."""
        i = self.row.get(code)
        return None if i is None else int(self.colours[i + 1])

    # -- hit test ----------------------------------------------------------------------------
    def county_at(self, p: QPointF) -> str | None:
        """The county whose outline contains the map point ``p``."""
        self.ensure_current()
        candidates: list[int] = []
        if self._index is not None and self._frame is not None:
            left, top, px, py, w, h = self._frame
            u, v = int((p.x() - left) / px), int((top - p.y()) / py)
            if 0 <= u < w and 0 <= v < h:
                i = int(self._index[v, u]) - 1
                if i >= 0:
                    candidates.append(i)
                # A pixel on a border may belong to the neighbour: look around it.
                near = self._index[max(0, v - 2):v + 3, max(0, u - 2):u + 3]
                candidates.extend(int(j) - 1 for j in np.unique(near) if j and j - 1 != i)
        for i in candidates:
            if self.paths[i].contains(p):
                return self.codes[i]
        tried = set(candidates)
        for i, box in enumerate(self.boxes):  # off the picture, or a county thinner than a pixel
            if i not in tried and box.contains(p) and self.paths[i].contains(p):
                return self.codes[i]
        return None

    def set_visible(self, visible: bool) -> None:
        """Hide the counties (back at state level) or show them again.

        A hidden layer keeps its items, its index image and its colours: shown again in the
        same view it needs no painting, only the new colours.
        """
        for item in (self.picture, self.borders):
            item.setVisible(visible)

    @property
    def visible(self) -> bool:
        return self.picture.isVisible()

    def remove(self) -> None:
        for item in (self.picture, self.borders):
            self.viewbox.removeItem(item)
