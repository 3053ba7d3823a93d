"""The colour-bar legend beside the map: best at the top, in the units of what is shown.

For a sensitivity colouring it also says, in red under the title, when the run is stale (the
settings changed after it)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QLinearGradient, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from siteselect.ui.colouring import ColourScale, viridis_lut
from siteselect.ui.map_canvas import TOP_OUTLINE
from siteselect.ui.planner import SENSITIVITY_KEYS, Planner

STALE_TEXT = "Stale: the settings changed after this run (F9 runs it again)"
STALE_COLOUR = QColor(170, 40, 40)


class ColourLegendWidget(QWidget):
    """Vertical colour bar with tick labels, the title and unit, and the map's symbols."""

    BAR_W = 22
    MIN_BAR_H = 80.0
    TIGHT_H = 300

    def __init__(self, planner: Planner, scale_source, parent: QWidget | None = None) -> None:
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
        self.compact = False  # the last paint used one-line symbol rows
        for signal in (planner.result_changed, planner.colour_by_changed,
                       planner.sensitivity_changed, planner.sensitivity_stale_changed):
            signal.connect(self.update)

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

    def paintEvent(self, _ev) -> None:
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
        # A legend less tall than a small window's map gives the unit one line (the whole
        # of it in the tooltip) and the bar less room.
        tight = self.height() < self.TIGHT_H
        if s.unit:
            p.setPen(QColor(80, 80, 80))
            if tight:
                p.drawText(QRectF(8, y, w - 16, p.fontMetrics().height()),
                           Qt.AlignLeft | Qt.AlignTop,
                           p.fontMetrics().elidedText(s.unit, Qt.ElideRight, w - 16))
                y += p.fontMetrics().height() + 2
            else:
                unit_rect = QRectF(8, y, w - 16, 54)
                wrap = Qt.TextWordWrap | Qt.AlignLeft | Qt.AlignTop
                p.drawText(unit_rect, wrap, s.unit)
                y += p.boundingRect(unit_rect, wrap, s.unit).height() + 2
        if s.stale:
            p.setPen(STALE_COLOUR)
            p.setFont(title_font)
            stale = "Stale" if tight else STALE_TEXT
            stale_rect = QRectF(8, y, w - 16, 64)
            wrap = Qt.TextWordWrap | Qt.AlignLeft | Qt.AlignTop
            p.drawText(stale_rect, wrap, stale)
            y += p.boundingRect(stale_rect, wrap, stale).height() + 2
            p.setFont(self.font())
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
        # Below the bar: the worst label and the symbol rows.  Where the legend is short (a
        # small window) the rows take one line each, so the bar keeps a readable height.
        flags = Qt.AlignLeft | Qt.AlignTop | Qt.TextWordWrap
        rows = self.symbol_rows()
        text_w = w - 40

        def rows_height(short: bool) -> float:
            if short:
                return len(rows) * (lh + 6)
            return sum(max(lh, p.boundingRect(QRectF(0, 0, text_w, lh * 3), flags,
                                              long).height()) + 8 for _k, long, _s in rows)

        below = lh + 14
        short = self.height() - y - below - rows_height(False) < self.MIN_BAR_H + 60
        bar_h = max(self.MIN_BAR_H / 2 if tight else self.MIN_BAR_H,
                    min(320.0, self.height() - y - below - rows_height(short)))
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
            # Kept inside the bar's height: the end marks would run into the Best / Worst
            # lines above and below it.
            cy = min(max(ty, bar.top() + lh / 2), bar.bottom() - lh / 2)
            if cy - last_y >= lh * 0.95:
                text = fm.elidedText(label, Qt.ElideRight, int(w - bar.right() - 14))
                p.drawText(QRectF(bar.right() + 8, cy - lh / 2, w - bar.right() - 10, lh),
                           Qt.AlignLeft | Qt.AlignVCenter, text)
                last_y = cy
        y = bar.bottom() + 4
        p.setFont(bold)
        p.drawText(QRectF(8, y, w - 16, lh), Qt.AlignLeft, "\u25bc " + s.worst_text)
        p.setFont(self.font())
        y += lh + 10
        for kind, long, short_text in rows:
            sw = QRectF(12, y, 18, 12)
            p.setBrush(Qt.NoBrush)
            if kind == "gated":
                p.fillRect(sw, QColor(205, 205, 205))
                p.fillRect(sw, QBrush(QColor(120, 120, 120), Qt.BDiagPattern))
                p.setPen(QColor(60, 60, 60))
            elif kind == "missing":
                p.setPen(QPen(QColor(60, 60, 60), 1.2, Qt.DashLine))
            else:
                p.setPen(QPen(TOP_OUTLINE, 2.0))
            p.drawRect(sw)
            p.setPen(QColor(60, 60, 60))
            if short:
                p.drawText(QRectF(36, y - 3, text_w, lh), Qt.AlignLeft | Qt.AlignTop,
                           fm.elidedText(short_text, Qt.ElideRight, int(text_w)))
                y += lh + 6
            else:
                box = QRectF(36, y - 3, text_w, lh * 3)
                p.drawText(box, flags, long)
                y += max(lh, p.boundingRect(box, flags, long).height()) + 8
        self.compact = short
        p.end()

    def symbol_rows(self) -> list[tuple[str, str, str]]:
        """(symbol, text, short text) for each row under the bar."""
        s = self.scale
        if s is not None and s.key in SENSITIVITY_KEYS:
            rows = [("gated", "Not ranked in this run", "Not ranked")]
            if self.top_n > 0:
                rows.append(("top", self.top_text(), f"Top {self.top_n} outlined"))
            return rows
        rows = [("gated", "Not ranked (gate or exclusion)", "Not ranked")]
        if s is not None and s.key == "score":
            rows.append(("missing", "Weighted figure missing", "Figure missing"))
        else:
            rows.append(("missing", "Figure missing (grey)", "Figure missing"))
        if self.top_n > 0:
            rows.append(("top", self.top_text(), f"Top {self.top_n} outlined"))
        return rows

    def top_text(self) -> str:
        return f"Top {self.top_n} by score (outlined)" if self.top_n > 0 else ""
