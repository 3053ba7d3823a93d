"""The colour-bar legend beside the map: best at the top, in the units of what is shown."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QLinearGradient, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from siteselect.ui.colouring import ColourScale, viridis_lut
from siteselect.ui.map_canvas import TOP_OUTLINE
from siteselect.ui.state import PlannerState


class ColourLegendWidget(QWidget):
    """Vertical colour bar with tick labels, the title and unit, and the map's symbols."""

    BAR_W = 22

    def __init__(self, state: PlannerState, scale_source, parent: QWidget | None = None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self._source = scale_source  # callable returning the map's current ColourScale
        lut = viridis_lut()
        last = len(lut) - 1
        self._gradient_stops = [(i / last, QColor(*map(int, lut[i][:3])))
                                for i in range(0, len(lut), 16)]
        self._gradient_stops.append((1.0, QColor(*map(int, lut[last][:3]))))
        self.setSizePolicy(QSizePolicy.Fixed, QSizePolicy.Expanding)
        self.setFixedWidth(136)
        self.setToolTip("Colour scale of the map: the darkest colour is always the best end, "
                        "for the score and for any single criterion. The overall score is "
                        "coloured by rank: each place down the ranking is the same step of "
                        "colour.")
        self.top_n = 0
        state.result_changed.connect(self.update)
        state.colour_by_changed.connect(self.update)

    def set_top_n(self, n: int) -> None:
        """Say in the legend that the top ``n`` states are outlined (0: no such line)."""
        if n != self.top_n:
            self.top_n = n
            self.update()

    @property
    def scale(self) -> ColourScale | None:
        return self._source()

    def title_text(self) -> str:
        s = self.scale
        return "" if s is None else s.title

    def paintEvent(self, _ev) -> None:  # noqa: N802 - Qt API
        s = self.scale
        if s is None:
            return
        p = QPainter(self)
        p.setRenderHint(QPainter.Antialiasing)
        p.fillRect(self.rect(), QColor(255, 255, 255))
        w = self.width()
        title_font = QFont(self.font())
        title_font.setBold(True)
        p.setFont(title_font)
        p.setPen(QColor(20, 20, 20))
        title_rect = QRectF(8, 6, w - 16, 40)
        p.drawText(title_rect, Qt.TextWordWrap | Qt.AlignLeft | Qt.AlignTop, s.title)
        br = p.boundingRect(title_rect, Qt.TextWordWrap | Qt.AlignLeft | Qt.AlignTop, s.title)
        p.setFont(self.font())
        y = br.bottom() + 2
        if s.unit:
            p.setPen(QColor(80, 80, 80))
            unit_rect = QRectF(8, y, w - 16, 54)
            wrap = Qt.TextWordWrap | Qt.AlignLeft | Qt.AlignTop
            p.drawText(unit_rect, wrap, s.unit)
            y += p.boundingRect(unit_rect, wrap, s.unit).height() + 2
        fm = p.fontMetrics()
        lh = fm.height()
        # The bar: best (t = 1) at the top.
        y += 4
        p.setPen(QColor(20, 20, 20))
        bold = QFont(self.font())
        bold.setBold(True)
        p.setFont(bold)
        p.drawText(QRectF(8, y, w - 16, lh), Qt.AlignLeft, "\u25b2 " + s.best_text)
        p.setFont(self.font())
        y += lh + 4
        # The worst label and the symbol rows (two or three, wrapped) below the bar.
        bottom_reserved = lh + 8 + 4 * lh + 30 + (2 * lh + 8 if self.top_n > 0 else 0)
        bar_h = max(60.0, min(320.0, self.height() - y - bottom_reserved))
        bar = QRectF(12, y, self.BAR_W, bar_h)
        grad = QLinearGradient(0, bar.bottom(), 0, bar.top())
        for pos, colour in self._gradient_stops:
            grad.setColorAt(pos, colour)
        # The lut runs worst (0) to best (255); bottom = worst.
        p.fillRect(bar, QBrush(grad))
        p.setPen(QPen(QColor(60, 60, 60), 1))
        p.drawRect(bar)
        last_y = -1e9
        for t, label in sorted(s.ticks, key=lambda tl: -tl[0]):
            ty = bar.bottom() - t * bar.height()
            p.drawLine(int(bar.right()), int(ty), int(bar.right() + 5), int(ty))
            if ty - last_y >= lh * 0.95:
                text = fm.elidedText(label, Qt.ElideRight, int(w - bar.right() - 14))
                # Kept inside the bar's height: the end marks would run into the
                # Best / Worst lines above and below it.
                cy = min(max(ty, bar.top() + lh / 2), bar.bottom() - lh / 2)
                p.drawText(QRectF(bar.right() + 8, cy - lh / 2, w - bar.right() - 10, lh),
                           Qt.AlignLeft | Qt.AlignVCenter, text)
                last_y = ty
        y = bar.bottom() + 4
        p.setFont(bold)
        p.drawText(QRectF(8, y, w - 16, lh), Qt.AlignLeft, "\u25bc " + s.worst_text)
        p.setFont(self.font())
        y += lh + 10
        # Symbols.
        sw = QRectF(12, y, 18, 12)
        p.fillRect(sw, QColor(205, 205, 205))
        p.fillRect(sw, QBrush(QColor(120, 120, 120), Qt.BDiagPattern))
        p.setPen(QColor(60, 60, 60))
        p.drawRect(sw)
        box = QRectF(36, y - 3, w - 40, lh * 3)
        flags = Qt.AlignLeft | Qt.AlignTop | Qt.TextWordWrap
        text = "Not ranked (gate or exclusion)"
        p.drawText(box, flags, text)
        y += max(lh, p.boundingRect(box, flags, text).height()) + 8
        sw = QRectF(12, y, 18, 12)
        pen = QPen(QColor(60, 60, 60), 1.2, Qt.DashLine)
        p.setPen(pen)
        p.setBrush(Qt.NoBrush)
        p.drawRect(sw)
        p.setPen(QColor(60, 60, 60))
        missing_text = ("Weighted figure missing" if s.key == "score" else "Figure missing (grey)")
        box = QRectF(36, y - 3, w - 40, lh * 3)
        p.drawText(box, flags, missing_text)
        y += max(lh, p.boundingRect(box, flags, missing_text).height()) + 8
        if self.top_n > 0:
            sw = QRectF(12, y, 18, 12)
            p.setPen(QPen(TOP_OUTLINE, 2.0))
            p.setBrush(Qt.NoBrush)
            p.drawRect(sw)
            p.setPen(QColor(60, 60, 60))
            p.drawText(QRectF(36, y - 3, w - 40, lh * 3), flags,
                       self.top_text())
        p.end()

    def top_text(self) -> str:
        return f"Top {self.top_n} by score (outlined)" if self.top_n > 0 else ""
